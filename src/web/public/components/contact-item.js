// A contact linked to a lead: name, email and phone visible, and editable in place (PUT /contacts/:id).
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { TextInput } from './field.js';

export function ContactItem({ contact, busy, run, onChange, onUnlink }) {
  const [editing, setEditing] = useState(false);
  const [email, setEmail] = useState(contact.email ?? '');
  const [phone, setPhone] = useState(contact.phone ?? '');
  const save = async (event) => {
    event.preventDefault();
    const body = { email: email.trim() || null, phone: phone.trim() || null };
    if (await run(() => api.put(`/contacts/${contact._id}`, body), `Saved ${contact.name}`)) {
      setEditing(false);
      onChange();
    }
  };
  if (editing) {
    return html`<li><form class="inline-form" onSubmit=${save}>
      <${TextInput} label=${`Email of ${contact.name}`} name="contact_email" type="email" value=${email} onValue=${setEmail} />
      <${TextInput} label=${`Phone of ${contact.name}`} name="contact_phone" type="tel" value=${phone} onValue=${setPhone} />
      <button type="submit" disabled=${busy}>Save contact</button>
      <button type="button" onClick=${() => setEditing(false)}>Cancel</button>
    </form></li>`;
  }
  return html`<li class="item-row">
    <span><strong>${contact.name}</strong>
      ${contact.email ? html`<br /><a class="small" href=${`mailto:${contact.email}`}>${contact.email}</a>` : null}
      ${contact.phone ? html`<br /><a class="small" href=${`tel:${contact.phone}`}>${contact.phone}</a>` : null}
    </span>
    <span class="row-actions">
      <button type="button" class="small-button" onClick=${() => setEditing(true)}>Edit<span class="visually-hidden"> ${contact.name}</span></button>
      <button type="button" class="small-button danger" disabled=${busy} onClick=${onUnlink}>Remove<span class="visually-hidden"> ${contact.name}</span></button>
    </span>
  </li>`;
}
