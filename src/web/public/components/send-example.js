// "Send example": pick one of the activity types and queue its catalogue example as a test
// delivery (POST /webhooks/:id/test {type}); it shows in the delivery log, marked "test".
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { Select } from './field.js';
import { useLoad } from './use-load.js';

export function SendExample({ webhookId, run, busy, onSent }) {
  const types = useLoad(() => api.get('/event-types'), []);
  const [type, setType] = useState('lead:created');
  const send = async (event) => {
    event.preventDefault();
    const text = `Example ${type} queued; it appears in the deliveries below`;
    if (await run(() => api.post(`/webhooks/${webhookId}/test`, { type }), text)) onSent();
  };
  const options = (types.data ?? [{ type }]).map((t) => ({ value: t.type, label: t.type }));
  return html`<form class="inline-form send-example" aria-label="Send an example event" onSubmit=${send}>
    <${Select} label="Example of" name="example_type" value=${type} options=${options} onValue=${setType} />
    <button type="submit" disabled=${busy || !types.data}>Send example</button>
    ${types.data ? null : html`<span class="muted small">${types.error ? types.error.message : 'Loading event types…'}</span>`}
  </form>`;
}
