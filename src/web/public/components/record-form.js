// A small form over a record's text fields (organizations and contacts): only changed fields are
// sent, emptied fields become null.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { TextInput } from './field.js';

export function RecordForm({ fields, record = {}, busy, submitLabel, onSubmit }) {
  const [values, setValues] = useState(() => Object.fromEntries(fields.map(([key]) => [key, record[key] ?? ''])));
  const submit = async (event) => {
    event.preventDefault();
    const body = {};
    for (const [key] of fields) {
      const value = values[key].trim();
      if (value !== (record[key] ?? '')) body[key] = value === '' ? null : value;
    }
    if (await onSubmit(body)) setValues(Object.fromEntries(fields.map(([key]) => [key, record._id ? values[key] : ''])));
  };
  return html`<form class="grid-form" onSubmit=${submit}>
    ${fields.map(([key, label, type = 'text']) => html`<${TextInput} key=${key} label=${label} name=${key} type=${type}
      required=${key === 'name'} value=${values[key]} onValue=${(v) => setValues({ ...values, [key]: v })} />`)}
    <div class="form-actions"><button type="submit" class="primary" disabled=${busy}>${submitLabel}</button></div>
  </form>`;
}
