// Create or edit a webhook: URL (checked as it is typed), events, handshake key, description,
// self-heal, delivery order (docs/WEBHOOKS.md, "Order per lead") and an optional maximum rate
// (docs/WEBHOOKS.md, "Back-pressure").
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
  const [selfHeal, setSelfHeal] = useState(webhook?.self_heal ?? false);
  const [sendTraceparent, setSendTraceparent] = useState(webhook?.send_traceparent ?? false);
  const [maxRate, setMaxRate] = useState(webhook?.max_rate_per_second == null ? '' : String(webhook.max_rate_per_second));
  const [ordering, setOrdering] = useState(webhook?.ordering ?? 'none');
  const urlError = touched ? checkUrl(url) : undefined;
  const rateError = checkRate(maxRate);
  const noEvents = events.length === 0 ? 'Pick at least one event, or All events' : undefined;

  const submit = (event) => {
    event.preventDefault();
    setTouched(true);
    if (checkUrl(url) || noEvents || rateError) return;
    onSubmit({
      url,
      events,
      handshake_key: handshakeKey === '' ? null : handshakeKey,
      description: description === '' ? null : description,
      self_heal: selfHeal,
      send_traceparent: sendTraceparent,
      max_rate_per_second: maxRate.trim() === '' ? null : Number(maxRate),
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
    <${Checkbox} label="Self-heal: after an automatic disable, probe the endpoint for 7 days and turn it back on when it answers 2xx" name="self_heal" checked=${selfHeal} onValue=${setSelfHeal} />
    <${Checkbox} label="Send a traceparent header (OpenTelemetry)" name="send_traceparent" checked=${sendTraceparent} onValue=${setSendTraceparent}
      hint="While leadhook's tracing is on, each request carries its attempt's W3C traceparent, so your service's spans join leadhook's trace" />
    <${TextInput} label="Maximum rate (requests per second, optional)" name="max_rate_per_second" type="number" min="0" step="any"
      inputmode="decimal" value=${maxRate} onValue=${setMaxRate} error=${rateError}
      hint="Leave empty for no limit. Your endpoint also slows us down by answering 429 or 503 with Retry-After." />
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

/** Empty (no limit) or a number above 0, at most 10,000 (the API's bounds). */
function checkRate(value) {
  if (value.trim() === '') return undefined;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 10_000) return 'A number of requests per second above 0 and at most 10,000, or empty for no limit';
  return undefined;
}
