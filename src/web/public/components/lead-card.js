// A lead on the board: name, value, owner, status, the next-step cue, and a move control.
// Moving is a stage select plus a "Move" button, so arrowing through the select (which changes
// its value on the first key press) never moves the lead by itself; cards can also be dragged.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { formatAmount, nextStep } from '../format.js';

export function NextStepBadge({ day }) {
  const step = nextStep(day);
  return html`<span class=${`badge step-${step.kind}`} data-next-step=${step.kind}>${step.text}</span>`;
}

export function LeadCard({ lead, stages, onMove, busy }) {
  const [target, setTarget] = useState(lead.stage._id);
  const selectId = `move-${lead._id}`;
  return html`<li class="lead-card" draggable="true" data-lead=${lead._id}
    onDragStart=${(e) => e.dataTransfer.setData('application/json', JSON.stringify(lead))}>
    <a class="lead-name" href=${`#/leads/${lead._id}`}>${lead.name}</a>
    <p class="small">
      ${lead.size !== null ? html`<span>${formatAmount(lead.size)}</span>` : null}
      ${lead.user ? html`<span class="muted"> · ${lead.user.name}</span>` : null}
      ${lead.status !== 'open' ? html` <span class=${`badge badge-${lead.status}`}>${lead.status}</span>` : null}
    </p>
    <p class="small"><${NextStepBadge} day=${lead.next_todo_date} /></p>
    <form class="move" onSubmit=${(e) => {
      e.preventDefault();
      const stage = stages.find((s) => s._id === target);
      if (stage) onMove(lead, stage);
    }}>
      <label class="small" for=${selectId}>Stage<span class="visually-hidden"> of ${lead.name}</span></label>
      <select id=${selectId} class="compact" onChange=${(e) => setTarget(e.currentTarget.value)}>
        ${stages.map((s) => html`<option value=${s._id} selected=${s._id === target}>${s.name}</option>`)}
      </select>
      <button type="submit" class="small-button" disabled=${busy || target === lead.stage._id}>Move<span class="visually-hidden"> ${lead.name}</span></button>
    </form>
  </li>`;
}
