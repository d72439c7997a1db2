// Reading recorded activities back. The API answers with the activity object as webhooks carry it
// (docs/SPEC.md §3) plus what ClinchPad's activity list shows (docs/API.md "Activities"): `lead_id`,
// `lead {_id, name}`, `pipeline {_id, name}`, `lead_name`, `user_name`, `pipeline_name`, all as
// they were when the activity was recorded (from the stored lead snapshot). The webhook body is
// composed from the stored JSON alone and never sees these.
import type { Kysely } from 'kysely';
import { invalid, notFound } from '../shared/errors.ts';
import type { ActivityRow, Schema } from '../storage/schema.ts';
import type { LeadSnapshot } from './payload.ts';

export type ActivityView = Record<string, unknown> & { _id: string; type: string; lead_id: string };

export function toActivityView(row: Pick<ActivityRow, 'activity_json' | 'lead_json' | 'lead_id'>): ActivityView {
  const activity = JSON.parse(row.activity_json) as { _id: string; type: string; user?: { name?: string } };
  const lead = JSON.parse(row.lead_json) as LeadSnapshot;
  return {
    ...activity,
    lead_id: row.lead_id,
    lead: { _id: lead._id, name: lead.name },
    pipeline: { _id: lead.pipe._id, name: lead.pipe.name },
    lead_name: lead.name,
    user_name: activity.user?.name ?? null,
    pipeline_name: lead.pipe.name,
  };
}

/** `desc`: newest first (ClinchPad's order); `asc`: in recorded order. */
export type ActivityOrder = 'asc' | 'desc';

export interface ActivityQuery {
  accountId: string;
  types?: string[] | undefined;
  leadId?: string | undefined;
  /** Only activities recorded after this one. */
  after?: string | undefined;
  /** Only activities recorded before this one. */
  before?: string | undefined;
  order: ActivityOrder;
  limit: number;
  offset: number;
}

export async function listActivities(db: Kysely<Schema>, q: ActivityQuery): Promise<ActivityView[]> {
  let query = db.selectFrom('activities').select(['activity_json', 'lead_json', 'lead_id']).where('account_id', '=', q.accountId);
  if (q.types && q.types.length > 0) query = query.where('type', 'in', q.types);
  if (q.leadId !== undefined) query = query.where('lead_id', '=', q.leadId);
  if (q.after !== undefined) query = query.where('seq', '>', await cursorSeq(db, q.accountId, 'after', q.after));
  if (q.before !== undefined) query = query.where('seq', '<', await cursorSeq(db, q.accountId, 'before', q.before));
  const rows = await query.orderBy('seq', q.order).limit(q.limit).offset(q.offset).execute();
  return rows.map(toActivityView);
}

async function cursorSeq(db: Kysely<Schema>, accountId: string, field: 'after' | 'before', id: string): Promise<number> {
  const cursor = await db.selectFrom('activities').select('seq').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (!cursor) throw invalid(`${field} is not an activity of this account`, [{ field, message: 'unknown activity' }]);
  return cursor.seq;
}

export async function getActivity(db: Kysely<Schema>, accountId: string, id: string): Promise<ActivityView> {
  const row = await db
    .selectFrom('activities')
    .select(['activity_json', 'lead_json', 'lead_id'])
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Activity');
  return toActivityView(row);
}
