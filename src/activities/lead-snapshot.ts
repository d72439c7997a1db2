// The lead as webhooks show it: `{_id, name, stage: {_id, name}, pipe: {_id, name}}`.
import type { Kysely } from 'kysely';
import { fixedRead } from '../storage/fixed-sql.ts';
import type { Schema } from '../storage/schema.ts';
import type { LeadSnapshot } from './payload.ts';

/** The columns of a snapshot, over `"leads"` (in a SELECT from it, or an UPDATE's RETURNING). */
export const SNAPSHOT_COLUMNS =
  '"leads"."id" as "id", "leads"."name" as "name", "leads"."stage_id" as "stage_id", ' +
  '(select "name" from "stages" where "stages"."id" = "leads"."stage_id") as "stage_name", "leads"."pipeline_id" as "pipe_id", ' +
  '(select "name" from "pipelines" where "pipelines"."id" = "leads"."pipeline_id") as "pipe_name"';

export interface SnapshotRow {
  id: string;
  name: string;
  stage_id: string;
  stage_name: string;
  pipe_id: string;
  pipe_name: string;
}

const readSnapshot = fixedRead<SnapshotRow>(`select ${SNAPSHOT_COLUMNS} from "leads" where "leads"."account_id" = ? and "leads"."id" = ?`);

export async function loadLeadSnapshot(db: Kysely<Schema>, accountId: string, leadId: string): Promise<LeadSnapshot> {
  const [row] = await readSnapshot(db, [accountId, leadId]);
  if (!row) throw new Error(`no lead ${leadId} to show`);
  return snapshotOf(row);
}

export const snapshotOf = (row: SnapshotRow): LeadSnapshot => ({
  _id: row.id,
  name: row.name,
  stage: { _id: row.stage_id, name: row.stage_name },
  pipe: { _id: row.pipe_id, name: row.pipe_name },
});
