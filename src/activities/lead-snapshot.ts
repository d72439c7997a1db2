// The lead as webhooks show it: `{_id, name, stage: {_id, name}, pipe: {_id, name}}`.
import type { LeadSnapshot } from './payload.ts';

/** The columns of a snapshot, over `"leads"`: the recorder's sequence UPDATE returns them. */
export const SNAPSHOT_COLUMNS =
  '"leads"."id" as "id", "leads"."name" as "name", "leads"."stage_id" as "stage_id", ' +
  '(select "name" from "stages" where "stages"."id" = "leads"."stage_id") as "stage_name", "leads"."pipeline_id" as "pipe_id", ' +
  '(select "name" from "pipelines" where "pipelines"."id" = "leads"."pipeline_id") as "pipe_name"';

/** A stage or pipeline name is null only if its row is gone, which deleting a stage or pipeline with leads refuses. */
export interface SnapshotRow {
  id: string;
  name: string;
  stage_id: string;
  stage_name: string | null;
  pipe_id: string;
  pipe_name: string | null;
}

export function snapshotOf(row: SnapshotRow): LeadSnapshot {
  if (row.stage_name === null || row.pipe_name === null) throw new Error(`lead ${row.id} has no stage or pipeline to show`);
  return {
    _id: row.id,
    name: row.name,
    stage: { _id: row.stage_id, name: row.stage_name },
    pipe: { _id: row.pipe_id, name: row.pipe_name },
  };
}
