// Notes on a lead: `{content}`, credited to a user (`user_id`, default the caller), shown as
// ClinchPad does with `author`, `author_photo_url` and `user {_id, name}`. note:created /
// note:updated / note:deleted carry the content (the new content on update, the last on delete);
// note:created is credited to the note's user.
import type { Kysely } from 'kysely';
import { getUserRow } from '../accounts/users.ts';
import type { Actor, Tx } from '../activities/recorder.ts';
import { isoSeconds } from '../shared/clock.ts';
import { invalid } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { NoteRow, Schema, UserRow } from '../storage/schema.ts';
import { deleteLeadItem, findLeadItem, listLeadItems, reserveOnLead } from './lead-items.repository.ts';
import { leadRef, type LeadRef } from './lead-ref.ts';
import { getLeadRow } from './leads.repository.ts';

export interface Note {
  _id: string;
  lead: LeadRef;
  content: string;
  /** The user's name; null for notes written before notes had authors. */
  author: string | null;
  author_photo_url: string | null;
  user: { _id: string; name: string } | null;
  created_at: string;
  updated_at: string;
}

type Author = Pick<UserRow, 'id' | 'name' | 'photo_url'>;

const toNote = (row: NoteRow, lead: LeadRef, author: Author | undefined): Note => ({
  _id: row.id,
  lead,
  content: row.content,
  author: author?.name ?? null,
  author_photo_url: author?.photo_url ?? null,
  user: author ? { _id: author.id, name: author.name } : null,
  created_at: isoSeconds(new Date(row.created_at)),
  updated_at: isoSeconds(new Date(row.updated_at)),
});

async function authorsOf(db: Kysely<Schema>, accountId: string, rows: NoteRow[]): Promise<Map<string, Author>> {
  const ids = [...new Set(rows.flatMap((r) => (r.user_id ? [r.user_id] : [])))];
  if (ids.length === 0) return new Map();
  const users = await db.selectFrom('users').select(['id', 'name', 'photo_url']).where('account_id', '=', accountId).where('id', 'in', ids).execute();
  return new Map(users.map((u) => [u.id, u]));
}

async function shown(db: Kysely<Schema>, accountId: string, rows: NoteRow[], lead: LeadRef): Promise<Note[]> {
  const authors = await authorsOf(db, accountId, rows);
  return rows.map((row) => toNote(row, lead, row.user_id ? authors.get(row.user_id) : undefined));
}

export async function listNotes(db: Kysely<Schema>, accountId: string, leadId: string, limit: number, offset: number): Promise<Note[]> {
  const lead = leadRef(await getLeadRow(db, accountId, leadId));
  return shown(db, accountId, await listLeadItems(db, 'notes', accountId, leadId, limit, offset), lead);
}

export async function getNote(db: Kysely<Schema>, accountId: string, leadId: string, id: string): Promise<Note> {
  const lead = leadRef(await getLeadRow(db, accountId, leadId));
  const [note] = await shown(db, accountId, [await findLeadItem(db, 'notes', accountId, leadId, id)], lead);
  return note!;
}

/** The actor a note is credited to: the caller, or another user of the account named by `user_id`. */
async function noteActor(db: Kysely<Schema>, actor: Actor, userId: string | undefined): Promise<Actor> {
  if (userId === undefined || userId === actor.user._id) return actor;
  const user = await getUserRow(db, actor.accountId, userId).catch(() => {
    throw invalid('user_id is not a user of this account', [{ field: 'user_id', message: 'unknown user' }]);
  });
  return { accountId: actor.accountId, user: { _id: user.id, name: user.name, photo_url: user.photo_url, email: user.email, role: user.role } };
}

export async function createNote(tx: Tx, actor: Actor, leadId: string, input: { content: string; user_id?: string | undefined }): Promise<Note> {
  // The lead's sequence number is taken first, reading the lead with it: one statement, not a read
  // and then the recorder's update; the note goes in with the activity's own statement.
  const lead = await reserveOnLead(tx, actor.accountId, leadId, 1);
  const author = await noteActor(tx.db, actor, input.user_id);
  const now = tx.now.getTime();
  const row: NoteRow = {
    id: newId(tx.now),
    account_id: actor.accountId,
    lead_id: leadId,
    content: input.content,
    user_id: author.user._id,
    created_at: now,
    updated_at: now,
  };
  tx.insertWithRecord({ table: 'notes', rows: [row] });
  await tx.record(author, leadId, [{ type: 'note:created', fields: { note_content: row.content } }]);
  return toNote(row, lead, { id: author.user._id, name: author.user.name, photo_url: author.user.photo_url });
}

/** Same content again changes nothing and records nothing. The note keeps its author. */
export async function updateNote(tx: Tx, actor: Actor, leadId: string, noteId: string, input: { content: string }): Promise<Note> {
  const lead = leadRef(await getLeadRow(tx.db, actor.accountId, leadId));
  const row = await findLeadItem(tx.db, 'notes', actor.accountId, leadId, noteId);
  if (row.content !== input.content) {
    const updated: NoteRow = { ...row, content: input.content, updated_at: tx.now.getTime() };
    await tx.db.updateTable('notes').set({ content: updated.content, updated_at: updated.updated_at }).where('id', '=', noteId).execute();
    await tx.record(actor, leadId, [{ type: 'note:updated', fields: { note_content: updated.content } }]);
    return (await shown(tx.db, actor.accountId, [updated], lead))[0]!;
  }
  return (await shown(tx.db, actor.accountId, [row], lead))[0]!;
}

export async function deleteNote(tx: Tx, actor: Actor, leadId: string, noteId: string): Promise<void> {
  await getLeadRow(tx.db, actor.accountId, leadId);
  const row = await findLeadItem(tx.db, 'notes', actor.accountId, leadId, noteId);
  await deleteLeadItem(tx.db, 'notes', noteId);
  await tx.record(actor, leadId, [{ type: 'note:deleted', fields: { note_content: row.content } }]);
}
