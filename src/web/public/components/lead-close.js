// Won / lost with a reason (PUT /leads/:id {status, close_reason}), and reopening.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { Notice } from './notice.js';
import { TextArea } from './field.js';
import { useAction } from './use-load.js';

export function LeadClose({ lead, onChange }) {
  const [notice, setNotice] = useState(null);
  const [run, busy] = useAction(setNotice);
  const [closing, setClosing] = useState(null);
  const [reason, setReason] = useState('');
  const send = async (body, text) => {
    if (await run(() => api.put(`/leads/${lead._id}`, body), text)) {
      setClosing(null);
      setReason('');
      onChange();
    }
  };
  return html`<section class="card" aria-labelledby="close-title">
    <h2 id="close-title">Outcome</h2>
    ${lead.status === 'open'
      ? closing
        ? html`<form class="stack-form" onSubmit=${(e) => {
            e.preventDefault();
            send({ status: closing, close_reason: reason.trim() || null }, closing === 'won' ? 'Marked as won' : 'Marked as lost');
          }}>
            <${TextArea} label=${closing === 'won' ? 'Why was it won?' : 'Why was it lost?'} name="close_reason" rows="2"
              hint="Optional; shown on the lead and in the list" value=${reason} onValue=${setReason} />
            <div class="form-actions">
              <button type="submit" class=${closing === 'won' ? 'primary' : 'danger'} disabled=${busy}>${closing === 'won' ? 'Confirm won' : 'Confirm lost'}</button>
              <button type="button" onClick=${() => setClosing(null)}>Cancel</button>
            </div>
          </form>`
        : html`<div class="form-actions">
            <span class="muted">Open</span>
            <button type="button" class="primary" onClick=${() => setClosing('won')}>Mark as won</button>
            <button type="button" class="danger" onClick=${() => setClosing('lost')}>Mark as lost</button>
          </div>`
      : html`<p><span class=${`badge badge-${lead.status}`}>${lead.status}</span>
          ${lead.close_reason ? html` <span data-testid="close-reason">${lead.close_reason}</span>` : html` <span class="muted">No reason given</span>`}</p>
          <button type="button" disabled=${busy} onClick=${() => send({ status: 'open' }, 'Lead reopened')}>Reopen</button>`}
    <${Notice} notice=${notice} />
  </section>`;
}
