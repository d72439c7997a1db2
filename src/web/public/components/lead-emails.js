// Emails attached to a lead (`email:received`): list and add.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { TextArea, TextInput } from './field.js';
import { Section, useLeadList } from './lead-section.js';
import { useAction } from './use-load.js';
import { formatTime } from '../format.js';

export function Emails({ leadId, setNotice, onChange, version }) {
  const list = useLeadList(leadId, 'emails', version);
  const [run, busy] = useAction(setNotice);
  const [form, setForm] = useState({ subject: '', from: '', to: '', body: '' });
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const add = async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ''));
    if (await run(() => api.post(`/leads/${leadId}/emails`, body), 'Email attached')) {
      setForm({ subject: '', from: '', to: '', body: '' });
      onChange();
    }
  };
  return html`<${Section} id="emails-title" title="Emails" list=${list}>
    <ul class="items">
      ${(list.data ?? []).map((e) => html`<li key=${e._id}>
        <details><summary>${e.subject} <span class="muted small">${e.from ?? ''} ${formatTime(e.created_at)}</span></summary>
          <p class="small">To: ${e.to ?? '—'}</p><pre class="body">${e.body ?? ''}</pre></details>
      </li>`)}
    </ul>
    <details>
      <summary>Attach an email</summary>
      <form class="stack-form" onSubmit=${add}>
        <${TextInput} label="Subject" name="email_subject" required value=${form.subject} onValue=${set('subject')} />
        <${TextInput} label="From" name="email_from" value=${form.from} onValue=${set('from')} />
        <${TextInput} label="To" name="email_to" value=${form.to} onValue=${set('to')} />
        <${TextArea} label="Body" name="email_body" value=${form.body} onValue=${set('body')} />
        <button type="submit" disabled=${busy}>Attach email</button>
      </form>
    </details>
  <//>`;
}
