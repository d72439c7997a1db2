// Reading recorded activities back. The API answers with the activity object exactly as webhooks
// carry it (PRODUCT §3), plus `lead_id`.
import type { Kysely } from 'kysely';
import { invalid, notFound } from '../shared/errors.ts';
import type { ActivityRow, Schema } from '../storage/schema.ts';

export type ActivityView = Record<string, unknown> & { _id: string; type: string; lead_id: string };

export function toActivityView(row: Pick<ActivityRow, 'activity_json' | 'lead_id'>): ActivityView {
  return { ...(JSON.parse(row.activity_json) as { _id: string; type: string }), lead_id: row.lead_id };
}

export interface ActivityQuery {
  accountId: string;
  types?: string[] | undefined;
  leadId?: string | undefined;
  /** Only activities recorded after this one (ascending order). */
  after?: string | undefined;
  limit: number;
  offset: number;
}

export async function listActivities(db: Kysely<Schema>, q: ActivityQuery): Promise<ActivityView[]> {
  let query = db.selectFrom('activities').select(['activity_json', 'lead_id']).where('account_id', '=', q.accountId);
  if (q.types && q.types.length > 0) query = query.where('type', 'in', q.types);
  if (q.leadId !== undefined) query = query.where('lead_id', '=', q.leadId);
  if (q.after !== undefined) {
    const cursor = await db
      .selectFrom('activities')
      .select('seq')
      .where('account_id', '=', q.accountId)
      .where('id', '=', q.after)
      .executeTakeFirst();
    if (!cursor) throw invalid('after is not an activity of this account', [{ field: 'after', message: 'unknown activity' }]);
    query = query.where('seq', '>', cursor.seq);
  }
  const rows = await query.orderBy('seq').limit(q.limit).offset(q.offset).execute();
  return rows.map(toActivityView);
}

export async function getActivity(db: Kysely<Schema>, accountId: string, id: string): Promise<ActivityView> {
  const row = await db
    .selectFrom('activities')
    .select(['activity_json', 'lead_id'])
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Activity');
  return toActivityView(row);
}
