// SQL for leads, scoped to one account.
import type { Kysely } from 'kysely';
import { notFound } from '../shared/errors.ts';
import type { LeadRow, Schema } from '../storage/schema.ts';

export async function getLeadRow(db: Kysely<Schema>, accountId: string, leadId: string): Promise<LeadRow> {
  const row = await db
    .selectFrom('leads')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', leadId)
    .executeTakeFirst();
  if (!row) throw notFound('Lead');
  return row;
}

const leadView = (db: Kysely<Schema>) =>
  db
    .selectFrom('leads')
    .innerJoin('stages', 'stages.id', 'leads.stage_id')
    .innerJoin('pipelines', 'pipelines.id', 'leads.pipeline_id')
    .leftJoin('users', 'users.id', 'leads.user_id')
    .selectAll('leads')
    .select(['stages.name as stage_name', 'pipelines.name as pipeline_name', 'users.name as user_name', 'users.photo_url as user_photo_url']);

export type LeadViewRow = LeadRow & { stage_name: string; pipeline_name: string; user_name: string | null; user_photo_url: string | null };

export async function getLeadView(db: Kysely<Schema>, accountId: string, leadId: string): Promise<LeadViewRow> {
  const row = await leadView(db).where('leads.account_id', '=', accountId).where('leads.id', '=', leadId).executeTakeFirst();
  if (!row) throw notFound('Lead');
  return row;
}

export async function listLeadViews(
  db: Kysely<Schema>,
  accountId: string,
  filter: { pipelineId?: string | undefined; stageId?: string | undefined; archived?: boolean | undefined },
  limit: number,
  offset: number,
): Promise<LeadViewRow[]> {
  let query = leadView(db).where('leads.account_id', '=', accountId);
  if (filter.pipelineId !== undefined) query = query.where('leads.pipeline_id', '=', filter.pipelineId);
  if (filter.stageId !== undefined) query = query.where('leads.stage_id', '=', filter.stageId);
  if (filter.archived !== undefined) query = query.where('leads.archived', '=', filter.archived ? 1 : 0);
  return query.orderBy('leads.id').limit(limit).offset(offset).execute();
}
