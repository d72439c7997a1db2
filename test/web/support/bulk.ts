// Bulk data written straight into the database (the API would take minutes for 10,000 leads):
// leads spread over a pipeline's stages, and a lead with thousands of note activities.
import type { Kysely } from 'kysely';
import { newId } from '../../../src/shared/ids.ts';
import type { LeadRow, Schema } from '../../../src/storage/schema.ts';

export interface BulkLeads {
  /** Per stage id: how many open, unarchived leads and their summed value. */
  open: Map<string, { count: number; total: number }>;
  closed: number;
}

/** `count` leads named `Bulk 00001`…, round-robin over the stages; every 10th is won or lost. */
export async function seedLeads(
  db: Kysely<Schema>,
  target: { accountId: string; pipelineId: string; stageIds: string[] },
  count: number,
  now: number,
): Promise<BulkLeads> {
  const open = new Map(target.stageIds.map((id) => [id, { count: 0, total: 0 }]));
  let closed = 0;
  const rows: LeadRow[] = [];
  for (let i = 1; i <= count; i += 1) {
    const stageId = target.stageIds[i % target.stageIds.length]!;
    const status = i % 10 === 0 ? (i % 20 === 0 ? 'won' : 'lost') : 'open';
    const size = i % 7 === 0 ? null : (i % 100) * 10;
    rows.push({
      id: newId(new Date(now)),
      account_id: target.accountId,
      name: `Bulk ${String(i).padStart(5, '0')}`,
      size,
      pipeline_id: target.pipelineId,
      stage_id: stageId,
      user_id: null,
      status,
      archived: 0,
      close_reason: null,
      activity_seq: 0,
      created_at: now,
      updated_at: now,
    });
    if (status === 'open') {
      const t = open.get(stageId)!;
      t.count += 1;
      t.total += size ?? 0;
    } else closed += 1;
  }
  for (let at = 0; at < rows.length; at += 500) await db.insertInto('leads').values(rows.slice(at, at + 500)).execute();
  return { open, closed };
}

/** Copies of one recorded note:created activity of the lead, with contents `Note 1`…`Note n`. */
export async function seedNoteActivities(db: Kysely<Schema>, leadId: string, count: number): Promise<void> {
  const model = await db.selectFrom('activities').selectAll().where('lead_id', '=', leadId).where('type', '=', 'note:created').executeTakeFirstOrThrow();
  const template = JSON.parse(model.activity_json) as Record<string, unknown>;
  const rows = [];
  for (let i = 1; i <= count; i += 1) {
    const id = newId(new Date(model.created_at));
    const activity = { ...template, _id: id, note_content: `Note ${i}` };
    rows.push({ id, account_id: model.account_id, lead_id: leadId, type: model.type, user_id: model.user_id, created_at: model.created_at, activity_json: JSON.stringify(activity), lead_json: model.lead_json });
  }
  for (let at = 0; at < rows.length; at += 500) await db.insertInto('activities').values(rows.slice(at, at + 500)).execute();
}
