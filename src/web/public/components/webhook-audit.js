// The "Audit" card on the webhook page (docs/WEBHOOKS.md, "Completeness audit"): for a window of
// activity time, the totals per status, the digest a receiver recomputes (copyable), and the
// events that did not arrive (failed, not attempted, pending), each linked to its delivery where
// one exists; "Replay missing" for exactly that window when something was never attempted. The
// window lives in the URL (`audit_from`, `audit_to`, ISO) beside the delivery log's filters, so an
// audit is a bookmark; without it the card only offers the last 24 hours and runs nothing.
import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { html } from '../html.js';
import { href, navigate } from '../router.js';
import { formatTime, localInputToIso, toLocalInput } from '../format.js';
import { TextInput } from './field.js';
import { LoadError } from './page.js';
import { DeliveryStatus } from './status-badge.js';
import { useLoad } from './use-load.js';
import { ReplayProgress, replayWindow, replayedText } from './replay-missing.js';

export const AUDIT_KEYS = ['audit_from', 'audit_to'];
/** At most this many events are listed; the API and `leadhook webhooks audit` give them all. */
const LIST_MAX = 50;
const STATUSES = [
  ['succeeded', 'Succeeded'],
  ['pending', 'Pending'],
  ['failed', 'Failed'],
  ['not_attempted', 'Not attempted'],
];
const UNDELIVERED = ['failed', 'not_attempted', 'pending'];

const localOf = (iso) => (iso && !Number.isNaN(Date.parse(iso)) ? toLocalInput(new Date(iso)) : '');

export function WebhookAudit({ webhookId, enabled, params, setNotice, onReplayed }) {
  const from = params.audit_from ?? '';
  const to = params.audit_to ?? '';
  const [fromValue, setFromValue] = useState(localOf(from) || toLocalInput(new Date(Date.now() - 24 * 3_600_000)));
  const [toValue, setToValue] = useState(localOf(to) || toLocalInput(new Date(Date.now() + 60_000)));
  const [progress, setProgress] = useState(null);
  const audit = useLoad(() => (from ? api.get(`/webhooks/${webhookId}/audit${query({ from, to })}`) : Promise.resolve(null)), [webhookId, from, to]);
  const replaying = progress !== null && !progress.finished;

  const submit = (event) => {
    event.preventDefault();
    const target = href(`webhooks/${webhookId}`, { ...params, audit_from: localInputToIso(fromValue), audit_to: localInputToIso(toValue) });
    // The same window again: the URL does not change, so run it here.
    if (target === location.hash) audit.reload();
    else navigate(target);
  };
  const replay = async () => {
    let state = null;
    try {
      state = await replayWindow(webhookId, audit.data.from, audit.data.to, (step) => {
        state = step;
        setProgress(step);
      });
      setProgress({ ...state, finished: true });
      setNotice({ kind: 'success', text: replayedText(state) });
      audit.reload();
      onReplayed?.();
    } catch (error) {
      setProgress({ ...state, finished: true });
      setNotice({ kind: 'error', text: error.message, details: Array.isArray(error.details) ? error.details : [] });
    }
  };

  return html`<section class="card" aria-label="Audit">
    <h2>Audit</h2>
    <p class="muted">Every event this webhook should have received in a window of activity time, with what became of it, and
      a digest your receiver can compare with the ids it accepted.</p>
    <form class="inline-form" onSubmit=${submit}>
      <${TextInput} label="Audit from" name="audit_from" type="datetime-local" required value=${fromValue} onValue=${setFromValue} />
      <${TextInput} label="Audit to" name="audit_to" type="datetime-local" required value=${toValue} onValue=${setToValue} />
      <button type="submit" disabled=${audit.loading && Boolean(from)}>Run audit</button>
    </form>
    ${audit.error ? html`<${LoadError} error=${audit.error} retry=${audit.reload} />` : null}
    ${audit.data ? html`<${AuditResult} audit=${audit.data} enabled=${enabled} replaying=${replaying} onReplay=${replay} />` : null}
    <${ReplayProgress} progress=${progress} />
  </section>`;
}

function AuditResult({ audit, enabled, replaying, onReplay }) {
  const t = audit.totals;
  const undelivered = audit.events.filter((e) => UNDELIVERED.includes(e.status));
  const shown = undelivered.slice(0, LIST_MAX);
  return html`<div class="audit-result">
    <p class="small muted">From ${formatTime(audit.from)} to ${formatTime(audit.to)}</p>
    <dl class="facts audit-totals" aria-label="Audit totals">
      <dt>Expected</dt><dd>${t.expected}</dd>
      ${STATUSES.map(([key, label]) => html`<dt>${label}</dt><dd>${t[key]}</dd>`)}
    </dl>
    <${Digest} digest=${audit.digest} of=${audit.digest_of} />
    ${t.not_attempted > 0
      ? html`<div class="form-actions">
          <button type="button" class="primary" disabled=${!enabled || replaying} onClick=${onReplay}>Replay missing for this window</button>
          ${enabled ? null : html`<span class="muted small">Enable the webhook to replay what it missed.</span>`}
        </div>`
      : null}
    ${undelivered.length === 0
      ? html`<p class="muted">Every expected event was delivered.</p>`
      : html`<div class="table-wrap"><table class="audit-events" aria-label="Events not delivered">
          <thead><tr><th scope="col">Event id</th><th scope="col">Type</th><th scope="col">Activity time</th><th scope="col">Status</th><th scope="col">Delivery</th></tr></thead>
          <tbody>${shown.map((e) => html`<tr key=${e.id}>
            <td data-label="Event id"><code>${e.id}</code></td>
            <td data-label="Type">${e.type}</td>
            <td data-label="Activity time">${formatTime(e.created_at)}</td>
            <td data-label="Status">${e.status === 'not_attempted' ? html`<span class="badge">not attempted</span>` : html`<${DeliveryStatus} status=${e.status} />`}</td>
            <td data-label="Delivery">${e.delivery_id ? html`<a href=${`#/deliveries/${e.delivery_id}`}>Open delivery<span class="visually-hidden"> of ${e.id}</span></a>` : '—'}</td>
          </tr>`)}</tbody>
        </table></div>
        ${undelivered.length > shown.length
          ? html`<p class="small muted">Showing ${shown.length} of ${undelivered.length}; <code>leadhook webhooks audit</code> or the API lists them all.</p>`
          : null}`}
  </div>`;
}

function Digest({ digest, of }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(digest);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return html`<div class="audit-digest">
    <p class="small">Digest: <code class="secret" data-testid="audit-digest">${digest}</code>
      <button type="button" class="small-button" onClick=${copy}>Copy digest</button>
      <span role="status" class="muted">${copied ? 'Copied to the clipboard' : ''}</span></p>
    <p class="small muted">${of}</p>
  </div>`;
}
