// Notes of a lead: add, edit, delete.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { TextArea } from './field.js';
import { Section, useLeadList } from './lead-section.js';
import { useAction } from './use-load.js';
import { forgetDraft, useDraft } from './use-draft.js';

export function Notes({ leadId, setNotice, onChange, version }) {
  const list = useLeadList(leadId, 'notes', version);
  const [run, busy] = useAction(setNotice);
  const [editing, setEditing] = useState(null);
  const base = `/leads/${leadId}/notes`;
  const act = async (action, text, draftKey) => {
    const ok = Boolean(await run(action, text));
    if (ok) {
      if (draftKey) forgetDraft(draftKey);
      setEditing(null);
      onChange();
    }
    return ok;
  };
  return html`<${Section} id="notes-title" title="Notes" list=${list}>
    <ul class="items">
      ${(list.data ?? []).map((note) =>
        editing === note._id
          ? html`<li key=${note._id}><${NoteForm} note=${note} busy=${busy} submitLabel="Save note"
              onSubmit=${(content) => act(() => api.put(`${base}/${note._id}`, { content }), 'Note saved', `note-edit-${note._id}`)} onCancel=${() => setEditing(null)} /></li>`
          : html`<li key=${note._id} class="item-row">
              <p class="note">${note.content}</p>
              <span class="row-actions">
                <button type="button" class="small-button" onClick=${() => setEditing(note._id)}>Edit<span class="visually-hidden"> note</span></button>
                <button type="button" class="small-button danger" onClick=${() => act(() => api.del(`${base}/${note._id}`), 'Note deleted')}>Delete<span class="visually-hidden"> note</span></button>
              </span>
            </li>`,
      )}
    </ul>
    <${NoteForm} key=${version} draftKey=${`note-${leadId}`} busy=${busy} submitLabel="Add note" onSubmit=${(content) => act(() => api.post(base, { content }), 'Note added', `note-${leadId}`)} />
  <//>`;
}

function NoteForm({ note, draftKey, busy, submitLabel, onSubmit, onCancel }) {
  // A new note is a draft kept across a session expiry; an edit starts from the note.
  const [content, setContent] = useDraft(draftKey ?? `note-edit-${note?._id}`, note?.content ?? '');
  return html`<form class="stack-form" onSubmit=${(e) => {
    e.preventDefault();
    onSubmit(content);
  }}>
    <${TextArea} label=${note ? 'Edit note' : 'New note'} name="note_content" required value=${content} onValue=${setContent} />
    <div class="form-actions">
      <button type="submit" disabled=${busy}>${submitLabel}</button>
      ${onCancel ? html`<button type="button" onClick=${onCancel}>Cancel</button>` : null}
    </div>
  </form>`;
}
