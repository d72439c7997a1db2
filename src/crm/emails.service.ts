// Emails attached to a lead: `{subject, from?, to?, body?}`; each records email:received.
// Emails are a log: they cannot be edited or deleted through the API (PRODUCT §7 lists no route).
import type { Kysely } from 'kysely';
import type { Actor, Tx } from '../activities/recorder.ts';
import { isoSeconds } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import type { EmailRow, Schema } from '../storage/schema.ts';
import { findLeadItem, listLeadItems } from './lead-items.repository.ts';
import { leadRef, type LeadRef } from './lead-ref.ts';
import { getLeadRow } from './leads.repository.ts';

export interface Email {
  _id: string;
  lead: LeadRef;
  subject: string;
  from: string | null;
  to: string | null;
  body: string | null;
  created_at: string;
}

export interface NewEmail {
  subject: string;
  from?: string | null | undefined;
  to?: string | null | undefined;
  body?: string | null | undefined;
}

const toEmail = (row: EmailRow, lead: LeadRef): Email => ({
  _id: row.id,
  lead,
  subject: row.subject,
  from: row.from_address,
  to: row.to_address,
  body: row.body,
  created_at: isoSeconds(new Date(row.created_at)),
});

export async function listEmails(db: Kysely<Schema>, accountId: string, leadId: string, limit: number, offset: number): Promise<Email[]> {
  const lead = leadRef(await getLeadRow(db, accountId, leadId));
  return (await listLeadItems(db, 'emails', accountId, leadId, limit, offset)).map((row) => toEmail(row, lead));
}

export async function getEmail(db: Kysely<Schema>, accountId: string, leadId: string, emailId: string): Promise<Email> {
  const lead = leadRef(await getLeadRow(db, accountId, leadId));
  return toEmail(await findLeadItem(db, 'emails', accountId, leadId, emailId), lead);
}

export async function createEmail(tx: Tx, actor: Actor, leadId: string, input: NewEmail): Promise<Email> {
  const lead = leadRef(await getLeadRow(tx.db, actor.accountId, leadId));
  const row: EmailRow = {
    id: newId(tx.now),
    account_id: actor.accountId,
    lead_id: leadId,
    subject: input.subject,
    from_address: input.from ?? null,
    to_address: input.to ?? null,
    body: input.body ?? null,
    created_at: tx.now.getTime(),
  };
  await tx.db.insertInto('emails').values(row).execute();
  await tx.record(actor, leadId, [{ type: 'email:received', fields: { subject: row.subject } }]);
  return toEmail(row, lead);
}
