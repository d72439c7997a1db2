// "Replay missing" on the webhook page (docs/WEBHOOKS.md): queue every activity since a time that
// matches the webhook's events and never reached it, one batch of 500 per request so a progress
// bar can follow; optionally (the "Replay what was missed?" prompt after re-enabling) also requeue
// the deliveries that failed since then (recover). Running it again queues nothing twice.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { localInputToIso, toLocalInput } from '../format.js';
import { TextInput } from './field.js';

/**
 * Replays [from, to) one batch per request, reporting each step's running totals through `onStep`
 * ({scanned, total, created, finished}); resolves with the last. The audit card uses it too.
 */
export async function replayWindow(webhookId, from, to, onStep) {
  let state = { scanned: 0, total: 0, created: 0, finished: false };
  onStep(state);
  for (let cursor = null; ; ) {
    const step = await api.post(`/webhooks/${webhookId}/replay-missing`, { from, to, cursor, max_batches: 1 });
    state = { scanned: state.scanned + step.scanned, total: step.total, created: state.created + step.created, finished: false };
    onStep(state);
    if (step.done) return state;
    cursor = step.cursor;
  }
}

/** "Queued 2 missed activities (1 already had a delivery)". */
export function replayedText(state) {
  return `Queued ${state.created} missed ${state.created === 1 ? 'activity' : 'activities'} (${state.total - state.created} already had a delivery)`;
}

export function ReplayProgress({ progress }) {
  if (!progress) return null;
  return html`<div class="replay-progress" role="status" aria-live="polite">
    <progress max=${Math.max(progress.total, 1)} value=${progress.finished && progress.total === 0 ? 1 : progress.scanned}></progress>
    <span>${progress.scanned} of ${progress.total} activities looked at, ${progress.created} queued${progress.finished ? ' — done' : '…'}</span>
  </div>`;
}

export function ReplayMissingForm({ webhookId, heading, intro, since, alsoRecover, setNotice, onDone }) {
  const [value, setValue] = useState(toLocalInput(since ? new Date(since) : new Date(Date.now() - 24 * 3_600_000)));
  const [progress, setProgress] = useState(null);
  const running = progress !== null && !progress.finished;

  const submit = async (event) => {
    event.preventDefault();
    const from = localInputToIso(value);
    let state = null;
    try {
      state = await replayWindow(webhookId, from, new Date().toISOString(), (step) => {
        state = step;
        setProgress(step);
      });
      const recovered = alsoRecover ? (await api.post(`/webhooks/${webhookId}/recover`, { since: from })).recovered : null;
      setProgress({ ...state, finished: true });
      const parts = [replayedText(state)];
      if (recovered !== null) parts.push(`requeued ${recovered} failed ${recovered === 1 ? 'delivery' : 'deliveries'}`);
      setNotice({ kind: 'success', text: parts.join('; ') });
      onDone?.();
    } catch (error) {
      setProgress({ ...state, finished: true });
      setNotice({ kind: 'error', text: error.message, details: Array.isArray(error.details) ? error.details : [] });
    }
  };

  return html`<section class="card" aria-label=${heading}>
    <h2>${heading}</h2>
    <p class="muted">${intro}</p>
    <form class="inline-form" onSubmit=${submit}>
      <${TextInput} label="Since" name="since" type="datetime-local" required value=${value} onValue=${setValue} />
      <button type="submit" class="primary" disabled=${running}>${alsoRecover ? 'Replay missed and failed' : 'Replay missing'}</button>
    </form>
    <${ReplayProgress} progress=${progress} />
  </section>`;
}
