// Notes on a lead: `{content}`; note:created / note:updated / note:deleted carry the content
// (the new content on update, the last content on delete).
import type { Actor, Tx } from '../activities/recorder.ts';
import { isoSeconds } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import type { NoteRow } from '../storage/schema.ts';
import { deleteLeadItem, findLeadItem } from './lead-items.repository.ts';
import { leadItemReader } from './lead-item-reader.ts';
import { leadRef, type LeadRef } from './lead-ref.ts';
import { getLeadRow } from './leads.repository.ts';

export interface Note {
  _id: string;
  lead: LeadRef;
  content: string;
  created_at: string;
  updated_at: string;
}

const toNote = (row: NoteRow, lead: LeadRef): Note => ({
  _id: row.id,
  lead,
  content: row.content,
  created_at: isoSeconds(new Date(row.created_at)),
  updated_at: isoSeconds(new Date(row.updated_at)),
});

const reader = leadItemReader('notes', toNote);
export const listNotes = reader.list;
export const getNote = reader.get;

export async function createNote(tx: Tx, actor: Actor, leadId: string, input: { content: string }): Promise<Note> {
  const lead = leadRef(await getLeadRow(tx.db, actor.accountId, leadId));
  const now = tx.now.getTime();
  const row: NoteRow = { id: newId(tx.now), account_id: actor.accountId, lead_id: leadId, content: input.content, created_at: now, updated_at: now };
  await tx.db.insertInto('notes').values(row).execute();
  await tx.record(actor, leadId, [{ type: 'note:created', fields: { note_content: row.content } }]);
  return toNote(row, lead);
}

/** Same content again changes nothing and records nothing. */
export async function updateNote(tx: Tx, actor: Actor, leadId: string, noteId: string, input: { content: string }): Promise<Note> {
  const lead = leadRef(await getLeadRow(tx.db, actor.accountId, leadId));
  const row = await findLeadItem(tx.db, 'notes', actor.accountId, leadId, noteId);
  if (row.content === input.content) return toNote(row, lead);
  const updated: NoteRow = { ...row, content: input.content, updated_at: tx.now.getTime() };
  await tx.db.updateTable('notes').set({ content: updated.content, updated_at: updated.updated_at }).where('id', '=', noteId).execute();
  await tx.record(actor, leadId, [{ type: 'note:updated', fields: { note_content: updated.content } }]);
  return toNote(updated, lead);
}

export async function deleteNote(tx: Tx, actor: Actor, leadId: string, noteId: string): Promise<void> {
  await getLeadRow(tx.db, actor.accountId, leadId);
  const row = await findLeadItem(tx.db, 'notes', actor.accountId, leadId, noteId);
  await deleteLeadItem(tx.db, 'notes', noteId);
  await tx.record(actor, leadId, [{ type: 'note:deleted', fields: { note_content: row.content } }]);
}
