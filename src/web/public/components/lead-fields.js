// Custom fields ("records" in ClinchPad's activity names): add, change the value, delete.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { TextInput } from './field.js';
import { Section, useLeadList } from './lead-section.js';
import { useAction } from './use-load.js';

export function CustomFields({ leadId, setNotice, onChange, version }) {
  const list = useLeadList(leadId, 'fields', version);
  const [run, busy] = useAction(setNotice);
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const base = `/leads/${leadId}/fields`;
  const act = async (action, text) => {
    if (await run(action, text)) onChange();
    return true;
  };
  const add = async (event) => {
    event.preventDefault();
    if (await run(() => api.post(base, { name, value }), 'Field added')) {
      setName('');
      setValue('');
      onChange();
    }
  };
  return html`<${Section} id="fields-title" title="Fields" list=${list}>
    <ul class="items">
      ${(list.data ?? []).map((field) => html`<li key=${field._id}><${FieldRow} field=${field} busy=${busy}
        onSave=${(v) => act(() => api.put(`${base}/${field._id}`, { name: field.name, value: v }), 'Field saved')}
        onDelete=${() => act(() => api.del(`${base}/${field._id}`), 'Field deleted')} /></li>`)}
    </ul>
    <form class="inline-form" onSubmit=${add}>
      <${TextInput} label="Field name" name="field_name" required value=${name} onValue=${setName} />
      <${TextInput} label="Field value" name="field_value" required value=${value} onValue=${setValue} />
      <button type="submit" disabled=${busy}>Add field</button>
    </form>
  <//>`;
}

function FieldRow({ field, busy, onSave, onDelete }) {
  const [value, setValue] = useState(field.value);
  return html`<form class="inline-form" onSubmit=${(e) => {
    e.preventDefault();
    onSave(value);
  }}>
    <${TextInput} label=${field.name} name=${`field-${field._id}`} required value=${value} onValue=${setValue} />
    <button type="submit" disabled=${busy || value === field.value}>Save<span class="visually-hidden"> ${field.name}</span></button>
    <button type="button" class="danger" disabled=${busy} onClick=${onDelete}>Delete<span class="visually-hidden"> ${field.name}</span></button>
  </form>`;
}
