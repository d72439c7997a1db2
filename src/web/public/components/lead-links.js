// Contacts, products, zones and sources linked to a lead, picked from the account's catalogues
// (PUT/DELETE /leads/:id/<kind>/:tid); a new catalogue entry can be created on the spot.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { Select, TextInput } from './field.js';
import { Section, useLeadList } from './lead-section.js';
import { useAction, useLoad } from './use-load.js';
import { ContactItem } from './contact-item.js';
import { quantityError } from './validation.js';

const SINGULAR = { contacts: 'contact', products: 'product', zones: 'zone', sources: 'source' };

export function CatalogueLinks({ kind, label, leadId, setNotice, onChange, version }) {
  const linked = useLeadList(leadId, kind, version);
  const catalogue = useLoad(() => api.get(`/${kind}?size=500`), [kind, version]);
  const [run, busy] = useAction(setNotice);
  const [choice, setChoice] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [newName, setNewName] = useState('');
  const [qtyError, setQtyError] = useState(null);
  const one = SINGULAR[kind];
  const linkedIds = new Set((linked.all ?? []).map((x) => x._id ?? x.product?._id));
  const available = (catalogue.data ?? []).filter((x) => !linkedIds.has(x._id));
  const linkBody = () => (kind === 'products' ? { quantity: Number(quantity) } : undefined);
  const badQuantity = () => {
    const problem = kind === 'products' ? quantityError(quantity) : null;
    setQtyError(problem);
    return problem !== null;
  };

  const link = async (event) => {
    event.preventDefault();
    const target = choice || available[0]?._id;
    if (!target || badQuantity()) return;
    if (await run(() => api.put(`/leads/${leadId}/${kind}/${target}`, linkBody()), `Linked the ${one}`)) {
      setChoice('');
      onChange();
    }
  };
  const create = async (event) => {
    event.preventDefault();
    if (badQuantity()) return;
    const created = await run(() => api.post(`/${kind}`, { name: newName }), undefined);
    if (created && (await run(() => api.put(`/leads/${leadId}/${kind}/${created._id}`, linkBody()), `Added the ${one} ${newName}`))) {
      setNewName('');
      onChange();
    }
  };
  const unlink = async (item) => {
    if (await run(() => api.del(`/leads/${leadId}/${kind}/${item._id}`), `Removed the ${one} ${item.name}`)) onChange();
  };

  return html`<${Section} id=${`${kind}-title`} title=${label} list=${linked}>
    <ul class="items">
      ${(linked.data ?? []).map((item) => kind === 'contacts' ? html`<${ContactItem} key=${item._id} contact=${item} busy=${busy} run=${run} onChange=${onChange} onUnlink=${() => unlink(item)} />` : html`<li key=${item._id} class="item-row">
        <span>${item.name}${kind === 'products' && item.quantity !== undefined ? ` × ${item.quantity}` : ''}</span>
        <button type="button" class="small-button danger" disabled=${busy} onClick=${() => unlink(item)}>Remove<span class="visually-hidden"> ${item.name}</span></button>
      </li>`)}
    </ul>
    ${available.length > 0
      ? html`<form class="inline-form" onSubmit=${link} novalidate>
          <${Select} label=${`Link a ${one}`} name=${`link-${kind}`} value=${choice || available[0]?._id}
            onValue=${setChoice} options=${available.map((x) => ({ value: x._id, label: x.name }))} />
          ${kind === 'products' ? html`<${TextInput} label="Quantity" name="quantity" type="number" min="0" step="any" value=${quantity} onValue=${setQuantity} error=${qtyError} />` : null}
          <button type="submit" disabled=${busy}>Link</button>
        </form>`
      : null}
    <form class="inline-form" onSubmit=${create}>
      <${TextInput} label=${`New ${one}`} name=${`new-${kind}`} required value=${newName} onValue=${setNewName} />
      <button type="submit" disabled=${busy}>Create and link</button>
    </form>
  <//>`;
}
