// The lead as webhooks show it: `{_id, name, stage: {_id, name}, pipe: {_id, name}}`.
import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.ts';
import type { LeadSnapshot } from './payload.ts';

export async function loadLeadSnapshot(db: Kysely<Schema>, accountId: string, leadId: string): Promise<LeadSnapshot> {
  const row = await db
    .selectFrom('leads')
    .innerJoin('stages', 'stages.id', 'leads.stage_id')
    .innerJoin('pipelines', 'pipelines.id', 'leads.pipeline_id')
    .select([
      'leads.id as id',
      'leads.name as name',
      'stages.id as stage_id',
      'stages.name as stage_name',
      'pipelines.id as pipe_id',
      'pipelines.name as pipe_name',
    ])
    .where('leads.account_id', '=', accountId)
    .where('leads.id', '=', leadId)
    .executeTakeFirstOrThrow();
  return {
    _id: row.id,
    name: row.name,
    stage: { _id: row.stage_id, name: row.stage_name },
    pipe: { _id: row.pipe_id, name: row.pipe_name },
  };
}
