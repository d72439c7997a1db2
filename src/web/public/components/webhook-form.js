// Create or edit a webhook: URL (checked as it is typed), events, handshake key, description,
// delivery order (docs/WEBHOOKS.md, "Order per lead").
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { Checkbox, Select, TextInput } from './field.js';
import { EventsPicker } from './events-picker.js';
import { checkUrl, isPlainHttp } from './url-check.js';

const ORDERINGS = [
  { value: 'none', label: 'Fastest: deliveries in parallel, in any order' },
  { value: 'per_lead', label: "Per lead: each lead's activities one at a time, in order" },
];

export function WebhookForm({ webhook, busy, submitLabel, onSubmit, onCancel }) {
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [touched, setTouched] = useState(Boolean(webhook));
  const [events, setEvents] = useState(webhook?.events ?? ['*']);
  const [handshakeKey, setHandshakeKey] = useState(webhook?.handshake_key ?? '');
  const [description, setDescription] = useState(webhook?.description ?? '');
  const [enabled, setEnabled] = useState(webhook?.enabled ?? true);
  const [ordering, setOrdering] = useState(webhook?.ordering ?? 'none');
  const urlError = touched ? checkUrl(url) : undefined;
  const noEvents = events.length === 0 ? 'Pick at least one event, or All events' : undefined;

  const submit = (event) => {
    event.preventDefault();
    setTouched(true);
    if (checkUrl(url) || noEvents) return;
    onSubmit({
      url,
      events,
      handshake_key: handshakeKey === '' ? null : handshakeKey,
      description: description === '' ? null : description,
      ordering,
      ...(webhook ? {} : { enabled }),
    });
  };

  return html`<form class="stack-form webhook-form" onSubmit=${submit} noValidate>
    <${TextInput} label="Endpoint URL" name="url" type="url" required value=${url} error=${urlError}
      placeholder="https://example.com/webhooks/leadhook"
      hint=${isPlainHttp(url) ? 'Plain http: the payload travels unencrypted. Prefer https.' : 'Receives a POST with a JSON body for every matching activity'}
      onValue=${(v) => {
        setUrl(v);
        setTouched(true);
      }} />
    <${EventsPicker} value=${events} onValue=${setEvents} />
    ${noEvents ? html`<p class="field-error" role="alert">${noEvents}</p>` : null}
    <${TextInput} label="Handshake key (optional)" name="handshake_key" value=${handshakeKey} onValue=${setHandshakeKey}
      hint="Sent as handshake_key in every body, so your endpoint can tell the requests are yours" autocomplete="off" />
    <${TextInput} label="Description (optional)" name="description" value=${description} onValue=${setDescription} />
    <${Select} label="Delivery order" name="ordering" value=${ordering} onValue=${setOrdering} options=${ORDERINGS}
      hint="Per lead: a lead's later activities wait until its earlier one is delivered or has finally failed; other leads are never held up" />
    ${webhook ? null : html`<${Checkbox} label="Enabled" name="enabled" checked=${enabled} onValue=${setEnabled} />`}
    <div class="form-actions">
      <button type="submit" class="primary" disabled=${busy}>${submitLabel}</button>
      ${onCancel ? html`<button type="button" onClick=${onCancel}>Cancel</button>` : null}
      ${webhook ? html`<a class="button" href=${`#/inspector?webhook=${webhook._id}`}>See what your webhook will receive</a>` : null}
    </div>
  </form>`;
}
