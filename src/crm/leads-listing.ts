// The leads listing behind GET /leads and GET /leads/stage-totals: search, filters, sort, paging,
// and per-stage counts and totals computed by the database (never from a loaded page).
// The search is `lower(x) like '%q%'`, portable across SQLite and PostgreSQL (see docs/UI.md).
import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Schema } from '../storage/schema.ts';
import { leadView, type LeadViewRow } from './leads.repository.ts';

export interface LeadFilter {
  pipelineId?: string | undefined;
  stageId?: string | undefined;
  archived?: boolean | undefined;
  status?: 'open' | 'won' | 'lost' | undefined;
  userId?: string | undefined;
  minSize?: number | undefined;
  maxSize?: number | undefined;
  q?: string | undefined;
}

export const LEAD_SORTS = ['name', 'size', 'stage', 'updated_at', 'next_todo', 'created'] as const;
export type LeadSort = (typeof LEAD_SORTS)[number];

/** `%text%` for LIKE with the wildcard characters of the text escaped (escape character `\`). */
export function likePattern(text: string): string {
  return `%${text.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

type LeadsEb = ExpressionBuilder<Schema & { leads: Schema['leads'] }, 'leads'>;

function matchesSearch(eb: LeadsEb, q: string) {
  const pattern = likePattern(q);
  const like = (column: string) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
  return eb.or([
    like('leads.name'),
    eb.exists(
      eb
        .selectFrom('lead_contacts')
        .innerJoin('contacts', 'contacts.id', 'lead_contacts.target_id')
        // A lead's organization is its contacts' (leads have none of their own); joined by key.
        .leftJoin('organizations', 'organizations.id', 'contacts.organization_id')
        .select(sql.lit(1).as('one'))
        .whereRef('lead_contacts.lead_id', '=', 'leads.id')
        .where((c) => c.or([like('contacts.name'), like('contacts.email'), like('contacts.phone'), like('organizations.name')])),
    ),
  ]);
}

function applyFilter<O>(
  query: SelectQueryBuilder<Schema, 'leads' | 'stages' | 'pipelines' | 'users', O>,
  accountId: string,
  filter: LeadFilter,
) {
  let q = query.where('leads.account_id', '=', accountId);
  if (filter.pipelineId !== undefined) q = q.where('leads.pipeline_id', '=', filter.pipelineId);
  if (filter.stageId !== undefined) q = q.where('leads.stage_id', '=', filter.stageId);
  if (filter.archived !== undefined) q = q.where('leads.archived', '=', filter.archived ? 1 : 0);
  if (filter.status !== undefined) q = q.where('leads.status', '=', filter.status);
  if (filter.userId !== undefined) q = q.where('leads.user_id', '=', filter.userId);
  if (filter.minSize !== undefined) q = q.where('leads.size', '>=', filter.minSize);
  if (filter.maxSize !== undefined) q = q.where('leads.size', '<=', filter.maxSize);
  const text = filter.q?.trim();
  if (text) q = q.where((eb) => matchesSearch(eb as unknown as LeadsEb, text));
  return q;
}

const NEXT_TODO = sql`(select min(todos.date) from todos where todos.lead_id = leads.id and todos.done = 0 and todos.date is not null)`;

export async function listLeads(
  db: Kysely<Schema>,
  accountId: string,
  filter: LeadFilter,
  order: { sort?: LeadSort | undefined; direction?: 'asc' | 'desc' | undefined },
  limit: number,
  offset: number,
): Promise<LeadViewRow[]> {
  const dir = order.direction ?? 'asc';
  let query = applyFilter(leadView(db), accountId, filter);
  switch (order.sort) {
    case 'name':
      query = query.orderBy(sql`lower(leads.name)`, dir);
      break;
    case 'size':
      // Leads without a value sort last either way.
      query = query.orderBy(sql`case when leads.size is null then 1 else 0 end`).orderBy('leads.size', dir);
      break;
    case 'stage':
      query = query.orderBy('pipelines.position', dir).orderBy('stages.position', dir);
      break;
    case 'updated_at':
      query = query.orderBy('leads.updated_at', dir);
      break;
    case 'next_todo':
      // PostgreSQL cannot use an output alias inside an expression: repeat the subquery.
      query = query.orderBy(sql`case when ${NEXT_TODO} is null then 1 else 0 end`).orderBy(NEXT_TODO, dir);
      break;
    case 'created':
    case undefined:
      break;
  }
  return query.orderBy('leads.id', order.sort === undefined ? 'asc' : dir).limit(limit).offset(offset).execute();
}

export interface StageTotal {
  stage_id: string;
  count: number;
  total: number;
}

/** Count and value of the matching leads in each stage (stages without a match are left out). */
export async function stageTotals(db: Kysely<Schema>, accountId: string, filter: LeadFilter): Promise<StageTotal[]> {
  const rows = await applyFilter(
    db
      .selectFrom('leads')
      .innerJoin('stages', 'stages.id', 'leads.stage_id')
      .innerJoin('pipelines', 'pipelines.id', 'leads.pipeline_id')
      .leftJoin('users', 'users.id', 'leads.user_id'),
    accountId,
    filter,
  )
    .select(['leads.stage_id', (eb) => eb.fn.countAll().as('count'), (eb) => eb.fn.sum<number | string | null>('leads.size').as('total')])
    .groupBy('leads.stage_id')
    .execute();
  return rows.map((r) => ({ stage_id: r.stage_id, count: Number(r.count), total: Number(r.total ?? 0) }));
}
