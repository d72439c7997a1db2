// The lead's own fields: name, value, stage, assignee, archive/restore, delete (won/lost: lead-close.js).
// One "Save" sends only what changed (PUT /leads/:id), so each change records its one activity.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { navigate } from '../router.js';
import { Select, TextInput } from './field.js';
import { useAction, useLoad } from './use-load.js';
import { valueError } from './validation.js';

export function LeadEditor({ lead, setNotice, onChange }) {
  const pipeline = useLoad(() => api.get(`/pipelines/${lead.pipeline._id}`), [lead.pipeline._id]);
  const users = useLoad(() => api.get('/users?size=500'), []);
  const [name, setName] = useState(lead.name);
  const [size, setSize] = useState(lead.size === null ? '' : String(lead.size));
  const [stageId, setStageId] = useState(lead.stage._id);
  const [userId, setUserId] = useState(lead.user?._id ?? '');
  const [sizeError, setSizeError] = useState(null);
  const [run, busy] = useAction(setNotice);

  const save = async (event) => {
    event.preventDefault();
    const problem = valueError(size);
    setSizeError(problem);
    if (problem) return;
    const changes = {};
    if (name !== lead.name) changes.name = name;
    const newSize = size === '' ? null : Number(size);
    if (newSize !== lead.size) changes.size = newSize;
    if (stageId !== lead.stage._id) changes.stage_id = stageId;
    if (userId !== (lead.user?._id ?? '')) changes.user_id = userId || null;
    if (Object.keys(changes).length === 0) return setNotice({ kind: 'info', text: 'Nothing to save' });
    if (await run(() => api.put(`/leads/${lead._id}`, changes), 'Lead saved')) onChange();
  };
  const setArchived = async (archived) => {
    if (await run(() => api.put(`/leads/${lead._id}`, { archived }), archived ? 'Lead archived' : 'Lead restored')) onChange();
  };
  const remove = async () => {
    if (!confirm(`Delete the lead “${lead.name}”? This cannot be undone.`)) return;
    if (await run(() => api.del(`/leads/${lead._id}`), 'Lead deleted')) navigate('#/leads');
  };

  return html`<section class="card" aria-labelledby="edit-lead-title">
    <h2 id="edit-lead-title">Details</h2>
    <form class="grid-form" onSubmit=${save} novalidate>
      <${TextInput} label="Name" name="name" required value=${name} onValue=${setName} />
      <${TextInput} label="Value" name="size" type="number" step="any" inputmode="decimal" min="0" hint="Empty for no value" value=${size} onValue=${setSize} error=${sizeError} />
      <${Select} label="Stage" name="stage" value=${stageId} onValue=${setStageId}
        options=${(pipeline.data?.stages ?? [lead.stage]).map((s) => ({ value: s._id, label: s.name }))} />
      <${Select} label="Assigned to" name="assignee" value=${userId} onValue=${setUserId}
        options=${[{ value: '', label: 'Nobody' }, ...(users.data ?? (lead.user ? [lead.user] : [])).map((u) => ({ value: u._id, label: u.name }))]} />
      <div class="form-actions">
        <button type="submit" class="primary" disabled=${busy}>Save</button>
        ${lead.archived
          ? html`<button type="button" onClick=${() => setArchived(false)} disabled=${busy}>Restore</button>`
          : html`<button type="button" onClick=${() => setArchived(true)} disabled=${busy}>Archive</button>`}
        <button type="button" class="danger" onClick=${remove} disabled=${busy}>Delete lead</button>
      </div>
    </form>
  </section>`;
}
