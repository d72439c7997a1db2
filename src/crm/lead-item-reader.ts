// Reading the things on a lead as their public shape: one list and one get for todos, notes,
// fields, emails and attachments. The lead is looked up first, so another account's lead is a 404.
import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.ts';
import { findLeadItem, listLeadItems, type LeadItemTable } from './lead-items.repository.ts';
import { leadRef, type LeadRef } from './lead-ref.ts';
import { getLeadRow } from './leads.repository.ts';

export interface LeadItemReader<V> {
  list(db: Kysely<Schema>, accountId: string, leadId: string, limit: number, offset: number): Promise<V[]>;
  get(db: Kysely<Schema>, accountId: string, leadId: string, id: string): Promise<V>;
}

export function leadItemReader<T extends LeadItemTable, V>(table: T, toView: (row: Schema[T], lead: LeadRef) => V): LeadItemReader<V> {
  return {
    async list(db, accountId, leadId, limit, offset) {
      const lead = leadRef(await getLeadRow(db, accountId, leadId));
      return (await listLeadItems(db, table, accountId, leadId, limit, offset)).map((row) => toView(row, lead));
    },
    async get(db, accountId, leadId, id) {
      const lead = leadRef(await getLeadRow(db, accountId, leadId));
      return toView(await findLeadItem(db, table, accountId, leadId, id), lead);
    },
  };
}
