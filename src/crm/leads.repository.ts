// SQL for leads, scoped to one account.
import type { Kysely } from 'kysely';
import { notFound } from '../shared/errors.ts';
import { fixedRead } from '../storage/fixed-sql.ts';
import type { LeadRow, Schema } from '../storage/schema.ts';

const readLead = fixedRead<LeadRow>('select * from "leads" where "account_id" = ? and "id" = ?');

export async function getLeadRow(db: Kysely<Schema>, accountId: string, leadId: string): Promise<LeadRow> {
  const [row] = await readLead(db, [accountId, leadId]);
  if (!row) throw notFound('Lead');
  return row;
}

/** A lead with its stage, pipeline and assignee names, and the date of its earliest open todo. */
export const leadView = (db: Kysely<Schema>) =>
  db
    .selectFrom('leads')
    .innerJoin('stages', 'stages.id', 'leads.stage_id')
    .innerJoin('pipelines', 'pipelines.id', 'leads.pipeline_id')
    .leftJoin('users', 'users.id', 'leads.user_id')
    .selectAll('leads')
    .select(['stages.name as stage_name', 'pipelines.name as pipeline_name', 'users.name as user_name', 'users.photo_url as user_photo_url'])
    .select((eb) =>
      eb
        .selectFrom('todos')
        .select((t) => t.fn.min('todos.date').as('d'))
        .whereRef('todos.lead_id', '=', 'leads.id')
        .where('todos.done', '=', 0)
        .where('todos.date', 'is not', null)
        .as('next_todo_date'),
    );

export type LeadViewRow = LeadRow & { stage_name: string; pipeline_name: string; user_name: string | null; user_photo_url: string | null; next_todo_date: string | null };

export async function getLeadView(db: Kysely<Schema>, accountId: string, leadId: string): Promise<LeadViewRow> {
  const row = await leadView(db).where('leads.account_id', '=', accountId).where('leads.id', '=', leadId).executeTakeFirst();
  if (!row) throw notFound('Lead');
  return row;
}
