// SQL shared by the things that live on one lead (todos, notes, attachments, fields, emails).
// Every lookup is scoped by account and lead, so another account's ids answer 404 (docs/SPEC.md §5).
import type { Kysely } from 'kysely';
import type { Tx } from '../activities/recorder.ts';
import type { LeadRef } from './lead-ref.ts';
import { notFound } from '../shared/errors.ts';
import type { Schema } from '../storage/schema.ts';

export type LeadItemTable = 'todos' | 'notes' | 'attachments' | 'fields' | 'emails';

const LABELS: Record<LeadItemTable, string> = {
  todos: 'Todo',
  notes: 'Note',
  attachments: 'Attachment',
  fields: 'Field',
  emails: 'Email',
};

/** The row of `table` with this id on this lead of this account; throws not_found otherwise. */
export async function findLeadItem<T extends LeadItemTable>(
  db: Kysely<Schema>,
  table: T,
  accountId: string,
  leadId: string,
  id: string,
): Promise<Schema[T]> {
  // The tables differ in their columns only; one query shape serves them all.
  const row = await db
    .selectFrom(table as LeadItemTable)
    .selectAll()
    .where('account_id', '=', accountId)
    .where('lead_id', '=', leadId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound(LABELS[table]);
  return row as Schema[T];
}

/** One page of a lead's items, oldest first. */
export async function listLeadItems<T extends LeadItemTable>(
  db: Kysely<Schema>,
  table: T,
  accountId: string,
  leadId: string,
  limit: number,
  offset: number,
): Promise<Array<Schema[T]>> {
  const rows = await db
    .selectFrom(table as LeadItemTable)
    .selectAll()
    .where('account_id', '=', accountId)
    .where('lead_id', '=', leadId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows as Array<Schema[T]>;
}

export async function deleteLeadItem(db: Kysely<Schema>, table: LeadItemTable, id: string): Promise<void> {
  await db.deleteFrom(table).where('id', '=', id).execute();
}

/**
 * For a change that records exactly `count` activities on the lead (a new note, todo, email or
 * attachment: one): the lead's sequence numbers taken and the lead read in one statement, before
 * the change is written (its row lock is then held until commit), with the lead as things on it
 * embed it. A 404 when the account has no such lead. The change's `tx.record` on the lead
 * uses them; a change that may record fewer must not reserve (`Tx.reserve`).
 */
export async function reserveOnLead(tx: Tx, accountId: string, leadId: string, count: number): Promise<LeadRef> {
  const reserved = await tx.reserve(accountId, leadId, count);
  if (!reserved) throw notFound('Lead');
  return { _id: reserved.lead._id, name: reserved.lead.name };
}
