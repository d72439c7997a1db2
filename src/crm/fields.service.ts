// Custom fields on a lead: `{name, value}`; ClinchPad calls their activities "record:*".
// record:updated carries old_record_value only when the value changed and the old one was not
// empty (docs/SPEC.md §2 "if it had one"); renaming a field records record:updated with the new name.
import type { Actor, Tx } from '../activities/recorder.ts';
import { isoSeconds } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import type { FieldRow } from '../storage/schema.ts';
import { deleteLeadItem, findLeadItem } from './lead-items.repository.ts';
import { leadItemReader } from './lead-item-reader.ts';
import { leadRef, type LeadRef } from './lead-ref.ts';
import { getLeadRow } from './leads.repository.ts';

export interface Field {
  _id: string;
  lead: LeadRef;
  name: string;
  value: string;
  created_at: string;
  updated_at: string;
}

const toField = (row: FieldRow, lead: LeadRef): Field => ({
  _id: row.id,
  lead,
  name: row.name,
  value: row.value,
  created_at: isoSeconds(new Date(row.created_at)),
  updated_at: isoSeconds(new Date(row.updated_at)),
});

const reader = leadItemReader('fields', toField);
export const listFields = reader.list;
export const getField = reader.get;

export async function createField(tx: Tx, actor: Actor, leadId: string, input: { name: string; value: string }): Promise<Field> {
  const lead = leadRef(await getLeadRow(tx.db, actor.accountId, leadId));
  const now = tx.now.getTime();
  const row: FieldRow = {
    id: newId(tx.now),
    account_id: actor.accountId,
    lead_id: leadId,
    name: input.name,
    value: input.value,
    created_at: now,
    updated_at: now,
  };
  await tx.db.insertInto('fields').values(row).execute();
  await tx.record(actor, leadId, [{ type: 'record:created', fields: { record_name: row.name, record_value: row.value } }]);
  return toField(row, lead);
}

export async function updateField(
  tx: Tx,
  actor: Actor,
  leadId: string,
  fieldId: string,
  input: { name?: string | undefined; value?: string | undefined },
): Promise<Field> {
  const lead = leadRef(await getLeadRow(tx.db, actor.accountId, leadId));
  const row = await findLeadItem(tx.db, 'fields', actor.accountId, leadId, fieldId);
  const name = input.name ?? row.name;
  const value = input.value ?? row.value;
  if (name === row.name && value === row.value) return toField(row, lead);
  const updated: FieldRow = { ...row, name, value, updated_at: tx.now.getTime() };
  await tx.db.updateTable('fields').set({ name, value, updated_at: updated.updated_at }).where('id', '=', fieldId).execute();
  const old = value !== row.value && row.value !== '' ? { old_record_value: row.value } : {};
  await tx.record(actor, leadId, [{ type: 'record:updated', fields: { record_name: name, record_value: value, ...old } }]);
  return toField(updated, lead);
}

export async function deleteField(tx: Tx, actor: Actor, leadId: string, fieldId: string): Promise<void> {
  await getLeadRow(tx.db, actor.accountId, leadId);
  const row = await findLeadItem(tx.db, 'fields', actor.accountId, leadId, fieldId);
  await deleteLeadItem(tx.db, 'fields', fieldId);
  await tx.record(actor, leadId, [{ type: 'record:deleted', fields: { record_name: row.name, record_value: row.value } }]);
}
