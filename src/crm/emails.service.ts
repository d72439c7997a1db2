// Emails attached to a lead: `{subject, from?, to?, body?}`; each records email:received.
// Emails are a log: they cannot be edited or deleted through the API (docs/SPEC.md §7 lists no route).
import type { Actor, Tx } from '../activities/recorder.ts';
import { isoSeconds } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import type { EmailRow } from '../storage/schema.ts';
import { leadItemReader } from './lead-item-reader.ts';
import { reserveOnLead } from './lead-items.repository.ts';
import type { LeadRef } from './lead-ref.ts';

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

const reader = leadItemReader('emails', toEmail);
export const listEmails = reader.list;
export const getEmail = reader.get;

export async function createEmail(tx: Tx, actor: Actor, leadId: string, input: NewEmail): Promise<Email> {
  const lead = await reserveOnLead(tx, actor.accountId, leadId, 1);
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
  tx.insertWithRecord({ table: 'emails', rows: [row] });
  await tx.record(actor, leadId, [{ type: 'email:received', fields: { subject: row.subject } }]);
  return toEmail(row, lead);
}
