// Leads: create, update (every field, each change its activity), archive/restore, delete.
// docs/SPEC.md §2: archiving and deleting record no activity; reopening a won/lost lead and clearing
// its value (size: null) are changes without an activity type of their own and record none.
import { reserveSequence, type ActivityRecorder, type Actor, type Tx } from '../activities/recorder.ts';
import type { ActivityChange } from '../activities/catalogue.ts';
import type { LeadSnapshot } from '../activities/payload.ts';
import { getUserRow } from '../accounts/users.ts';
import { isoSeconds } from '../shared/clock.ts';
import { invalid } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { LeadRow } from '../storage/schema.ts';
import type { AttachmentFiles } from './attachment-files.ts';
import { getLeadRow, getLeadView, type LeadViewRow } from './leads.repository.ts';
import { insertNewLead, rememberedNewLead } from './new-lead-pipelines.ts';
import { getStageWithPipeline, type Pipeline, type Stage } from './pipelines.service.ts';

export interface Lead {
  _id: string;
  name: string;
  size: number | null;
  pipeline: { _id: string; name: string };
  stage: { _id: string; name: string };
  user: { _id: string; name: string; photo_url: string | null } | null;
  status: 'open' | 'won' | 'lost';
  archived: boolean;
  /** Why it was won or lost (null while open). */
  close_reason: string | null;
  /** Date (YYYY-MM-DD) of the earliest open todo with a date, or null. */
  next_todo_date: string | null;
  created_at: string;
  updated_at: string;
}

export function toLead(row: LeadViewRow): Lead {
  return {
    _id: row.id,
    name: row.name,
    size: row.size,
    pipeline: { _id: row.pipeline_id, name: row.pipeline_name },
    stage: { _id: row.stage_id, name: row.stage_name },
    user: row.user_id && row.user_name !== null ? { _id: row.user_id, name: row.user_name, photo_url: row.user_photo_url } : null,
    status: row.status,
    archived: row.archived === 1,
    close_reason: row.close_reason,
    next_todo_date: row.next_todo_date,
    created_at: isoSeconds(new Date(row.created_at)),
    updated_at: isoSeconds(new Date(row.updated_at)),
  };
}

export interface NewLead {
  name: string;
  pipeline_id: string;
  stage_id?: string | undefined;
  size?: number | null | undefined;
  user_id?: string | null | undefined;
}

type Assignee = Awaited<ReturnType<typeof assignee>>;

export async function createLead(tx: Tx, actor: Actor, input: NewLead): Promise<Lead> {
  const id = newId(tx.now);
  // The assignee is checked once the pipeline is known, so an unknown pipeline answers 404 first.
  let user: Assignee | undefined;
  const { pipeline, stage, row } = await insertNewLead(tx.db, actor.accountId, input.pipeline_id, input.stage_id, async (pipeline, stage) => {
    if (input.user_id && user === undefined) user = await assignee(tx, actor, input.user_id);
    return newLeadRow(id, actor, input, pipeline, stage, user, tx.now);
  });
  const view = newLeadView(row, pipeline, stage, user);
  await tx.record(actor, row.id, [{ type: 'lead:created', fields: {} }], { lead: snapshotOfView(view), seqAfter: row.activity_seq });
  return toLead(view);
}

/**
 * createLead in one statement, without a transaction (ActivityRecorder.recordNewLeadAtOnce): when
 * the pipeline and the account's webhooks are remembered and no assignee needs reading. Undefined
 * when it wrote nothing; then createLead does it all.
 */
export async function createLeadAtOnce(recorder: ActivityRecorder, actor: Actor, input: NewLead): Promise<Lead | undefined> {
  if (input.user_id) return undefined;
  let view: LeadViewRow | undefined;
  const written = await recorder.recordNewLeadAtOnce(actor, (now) => {
    const remembered = rememberedNewLead(actor.accountId, input.pipeline_id, input.stage_id, (pipeline, stage) =>
      newLeadRow(newId(now), actor, input, pipeline, stage, undefined, now),
    );
    if (!remembered) return undefined;
    view = newLeadView(remembered.row, remembered.pipeline, remembered.stage, undefined);
    return { insert: remembered.insert, leadId: remembered.row.id, lead: snapshotOfView(view) };
  });
  return written && view ? toLead(view) : undefined;
}

/** The `leads` row of a new lead (also for tests that build one the way the API does). */
export function newLeadRow(id: string, actor: Actor, input: NewLead, pipeline: Pipeline, stage: Stage, user: Assignee | undefined, now: Date): LeadRow {
  return {
    id,
    account_id: actor.accountId,
    name: input.name,
    size: input.size ?? null,
    pipeline_id: pipeline._id,
    stage_id: stage._id,
    user_id: user?.id ?? null,
    status: 'open',
    archived: 0,
    close_reason: null,
    // lead:created takes number 1 here, so the recorder writes no sequence UPDATE (Tx.record's seqAfter).
    activity_seq: 1,
    created_at: now.getTime(),
    updated_at: now.getTime(),
  };
}

/** Everything the answer and the webhook snapshot show of a new lead is known: no read-back. */
function newLeadView(row: LeadRow, pipeline: Pipeline, stage: Stage, user: Assignee | undefined): LeadViewRow {
  return {
    ...row,
    stage_name: stage.name,
    pipeline_name: pipeline.name,
    user_name: user?.name ?? null,
    user_photo_url: user?.photo_url ?? null,
    next_todo_date: null,
  };
}

/** The lead as webhooks show it, from a lead view. */
function snapshotOfView(view: LeadViewRow): LeadSnapshot {
  return { _id: view.id, name: view.name, stage: { _id: view.stage_id, name: view.stage_name }, pipe: { _id: view.pipeline_id, name: view.pipeline_name } };
}

export interface LeadUpdate {
  name?: string | undefined;
  size?: number | null | undefined;
  stage_id?: string | undefined;
  user_id?: string | null | undefined;
  status?: 'open' | 'won' | 'lost' | undefined;
  archived?: boolean | undefined;
  /** Why it was won or lost; kept only while the lead is closed. */
  close_reason?: string | null | undefined;
}

export async function updateLead(tx: Tx, actor: Actor, leadId: string, input: LeadUpdate): Promise<Lead> {
  const before = await getLeadView(tx.db, actor.accountId, leadId);
  const set: Partial<LeadRow> = {};
  // The names the lead view shows for what changes, so the answer needs no read after the update.
  const names: Partial<Pick<LeadViewRow, 'stage_name' | 'pipeline_name' | 'user_name' | 'user_photo_url'>> = {};
  const changes: ActivityChange[] = [];

  if (input.stage_id !== undefined && input.stage_id !== before.stage_id) {
    const stage = await getStageWithPipeline(tx.db, actor.accountId, input.stage_id).catch(() => {
      throw invalid('stage_id is not a stage of this account', [{ field: 'stage_id', message: 'unknown stage' }]);
    });
    set.stage_id = stage.id;
    set.pipeline_id = stage.pipeline_id;
    names.stage_name = stage.name;
    names.pipeline_name = stage.pipeline_name;
    changes.push({ type: 'lead:moved', fields: { old_stage_name: before.stage_name, new_stage_name: stage.name } });
  }
  if (input.name !== undefined && input.name !== before.name) {
    set.name = input.name;
    changes.push({ type: 'lead:name_changed', fields: { old_lead_name: before.name } });
  }
  if (input.status !== undefined && input.status !== before.status) {
    set.status = input.status;
    if (input.status === 'won') changes.push({ type: 'lead:won', fields: {} });
    if (input.status === 'lost') changes.push({ type: 'lead:lost', fields: {} });
  }
  closeReason(before, input, set);
  if (input.user_id !== undefined && input.user_id !== before.user_id) {
    set.user_id = input.user_id;
    if (input.user_id === null) {
      changes.push({ type: 'lead:unassigned', fields: { old_lead_assigned_to_name: before.user_name ?? '' } });
      names.user_name = null;
      names.user_photo_url = null;
    } else {
      const user = await assignee(tx, actor, input.user_id);
      changes.push({ type: 'lead:assigned', fields: { lead_assigned_to_name: user.name } });
      names.user_name = user.name;
      names.user_photo_url = user.photo_url;
    }
  }
  if (input.size !== undefined && input.size !== before.size) {
    set.size = input.size;
    if (input.size !== null) {
      changes.push({
        type: 'lead:size_changed',
        fields: before.size === null ? { lead_size: input.size } : { lead_size: input.size, old_lead_size: before.size },
      });
    }
  }
  if (input.archived !== undefined && input.archived !== (before.archived === 1)) {
    set.archived = input.archived ? 1 : 0;
    if (!input.archived) changes.push({ type: 'lead:restored', fields: {} });
  }

  if (Object.keys(set).length > 0) {
    // The same UPDATE reserves the activities' sequence numbers (Tx.record's seqAfter).
    const updated = await tx.db
      .updateTable('leads')
      .set((eb) => ({ ...set, updated_at: tx.now.getTime(), activity_seq: reserveSequence(eb, changes.length) }))
      .where('id', '=', leadId)
      .returning('activity_seq')
      .executeTakeFirstOrThrow();
    const after: LeadViewRow = { ...before, ...set, ...names, updated_at: tx.now.getTime(), activity_seq: updated.activity_seq };
    await tx.record(actor, leadId, changes, { lead: snapshotOfView(after), seqAfter: updated.activity_seq });
    return toLead(after);
  }
  return toLead(before);
}

/** The reason is stored without an activity of its own: lead:won/lost payloads stay ClinchPad's. */
function closeReason(before: LeadRow, input: LeadUpdate, set: Partial<LeadRow>): void {
  const status = input.status ?? before.status;
  if (status === 'open' && typeof input.close_reason === 'string') {
    throw invalid('close_reason needs a won or lost lead', [{ field: 'close_reason', message: 'the lead is open' }]);
  }
  const reason = status === 'open' ? null : input.close_reason === undefined ? before.close_reason : input.close_reason;
  if (reason !== before.close_reason) set.close_reason = reason;
}

async function assignee(tx: Tx, actor: Actor, userId: string) {
  return getUserRow(tx.db, actor.accountId, userId).catch(() => {
    throw invalid('user_id is not a user of this account', [{ field: 'user_id', message: 'unknown user' }]);
  });
}

/**
 * Deletes a lead and everything on it. Records no activity (docs/SPEC.md §2). Returns the keys of the
 * lead's uploaded attachment files, which the caller removes once the transaction has committed
 * (see deleteLeadAndFiles): removing them earlier would lose files if the transaction rolled back.
 */
export async function deleteLead(tx: Tx, actor: Actor, leadId: string): Promise<string[]> {
  await getLeadRow(tx.db, actor.accountId, leadId);
  const stored = await tx.db
    .selectFrom('attachments')
    .select('storage_key')
    .where('lead_id', '=', leadId)
    .where('storage_key', 'is not', null)
    .execute();
  for (const table of ['todos', 'notes', 'attachments', 'fields', 'emails', 'lead_products'] as const) {
    await tx.db.deleteFrom(table).where('lead_id', '=', leadId).execute();
  }
  for (const table of ['lead_contacts', 'lead_zones', 'lead_sources'] as const) {
    await tx.db.deleteFrom(table).where('lead_id', '=', leadId).execute();
  }
  await tx.db.deleteFrom('leads').where('id', '=', leadId).execute();
  return stored.flatMap((row) => (row.storage_key ? [row.storage_key] : []));
}

/** Deletes a lead in its own transaction, then removes its uploaded attachment files. */
export async function deleteLeadAndFiles(recorder: ActivityRecorder, files: AttachmentFiles, actor: Actor, leadId: string): Promise<void> {
  const keys = await recorder.transaction((tx) => deleteLead(tx, actor, leadId));
  await files.remove(keys);
}
