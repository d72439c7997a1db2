// Pipelines and their ordered stages. Changes here are outside any lead, so they record no
// activity (docs/SPEC.md §2). A pipeline or stage that still holds leads cannot be deleted.
import type { Kysely } from 'kysely';
import { createPipeline } from '../accounts/accounts.service.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { fixedRead } from '../storage/fixed-sql.ts';
import type { PipelineRow, Schema, StageRow } from '../storage/schema.ts';

export interface Stage {
  _id: string;
  name: string;
}
export interface Pipeline {
  _id: string;
  name: string;
  stages: Stage[];
}

const toStage = (row: Pick<StageRow, 'id' | 'name'>): Stage => ({ _id: row.id, name: row.name });

export async function listPipelines(db: Kysely<Schema>, accountId: string, limit: number, offset: number): Promise<Pipeline[]> {
  const pipelines = await db
    .selectFrom('pipelines')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('position')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
  if (pipelines.length === 0) return [];
  const stages = await db
    .selectFrom('stages')
    .selectAll()
    .where('account_id', '=', accountId)
    .where(
      'pipeline_id',
      'in',
      pipelines.map((p) => p.id),
    )
    .orderBy('position')
    .execute();
  return pipelines.map((p) => toPipeline(p, stages.filter((s) => s.pipeline_id === p.id)));
}

function toPipeline(row: PipelineRow, stages: StageRow[]): Pipeline {
  return { _id: row.id, name: row.name, stages: stages.map(toStage) };
}

// Every new lead reads its pipeline: a fixed text (storage/fixed-sql.ts).
const readPipeline = fixedRead<{ name: string; stage_id: string | null; stage_name: string | null }>(
  'select "pipelines"."name", "stages"."id" as "stage_id", "stages"."name" as "stage_name" from "pipelines" ' +
    'left join "stages" on "stages"."pipeline_id" = "pipelines"."id" where "pipelines"."account_id" = ? and "pipelines"."id" = ? order by "stages"."position"',
);

/** The pipeline with its stages in order, in one statement (a pipeline without stages gives one row of nulls). */
export async function getPipeline(db: Kysely<Schema>, accountId: string, id: string): Promise<Pipeline> {
  const rows = await readPipeline(db, [accountId, id]);
  const first = rows[0];
  if (!first) throw notFound('Pipeline');
  const stages = rows.flatMap((row) => (row.stage_id !== null && row.stage_name !== null ? [{ _id: row.stage_id, name: row.stage_name }] : []));
  return { _id: id, name: first.name, stages };
}

export async function addPipeline(db: Kysely<Schema>, accountId: string, name: string, stages: string[], now: Date): Promise<Pipeline> {
  const id = await createPipeline(db, accountId, name, stages, now);
  return getPipeline(db, accountId, id);
}

export async function renamePipeline(db: Kysely<Schema>, accountId: string, id: string, name: string): Promise<Pipeline> {
  await getPipeline(db, accountId, id);
  await db.updateTable('pipelines').set({ name }).where('id', '=', id).execute();
  return getPipeline(db, accountId, id);
}

export async function deletePipeline(db: Kysely<Schema>, accountId: string, id: string): Promise<void> {
  await getPipeline(db, accountId, id);
  const lead = await db.selectFrom('leads').select('id').where('pipeline_id', '=', id).executeTakeFirst();
  if (lead) throw new AppError('conflict', 'The pipeline still has leads; move or delete them first');
  await db.deleteFrom('stages').where('pipeline_id', '=', id).execute();
  await db.deleteFrom('pipelines').where('id', '=', id).execute();
}

export async function getStageRow(db: Kysely<Schema>, accountId: string, id: string, pipelineId?: string): Promise<StageRow> {
  let query = db.selectFrom('stages').selectAll().where('account_id', '=', accountId).where('id', '=', id);
  if (pipelineId !== undefined) query = query.where('pipeline_id', '=', pipelineId);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('Stage');
  return row;
}

/** A stage with its pipeline's name. */
export async function getStageWithPipeline(db: Kysely<Schema>, accountId: string, id: string): Promise<StageRow & { pipeline_name: string }> {
  const row = await db
    .selectFrom('stages')
    .innerJoin('pipelines', 'pipelines.id', 'stages.pipeline_id')
    .selectAll('stages')
    .select('pipelines.name as pipeline_name')
    .where('stages.account_id', '=', accountId)
    .where('stages.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Stage');
  return row;
}

export async function getStage(db: Kysely<Schema>, accountId: string, id: string, pipelineId?: string): Promise<Stage> {
  return toStage(await getStageRow(db, accountId, id, pipelineId));
}

/** Adds a stage at `position` (0-based; default: last). */
export async function addStage(
  db: Kysely<Schema>,
  accountId: string,
  pipelineId: string,
  name: string,
  position: number | undefined,
  now: Date,
): Promise<Stage> {
  const pipeline = await getPipeline(db, accountId, pipelineId);
  const at = Math.min(position ?? pipeline.stages.length, pipeline.stages.length);
  await db
    .updateTable('stages')
    .set((eb) => ({ position: eb('position', '+', 1) }))
    .where('pipeline_id', '=', pipelineId)
    .where('position', '>=', at)
    .execute();
  const id = newId(now);
  await db.insertInto('stages').values({ id, account_id: accountId, pipeline_id: pipelineId, name, position: at }).execute();
  return { _id: id, name };
}

/**
 * Renames and/or moves a stage. `position` is 0-based and clamped to the pipeline's stages, as
 * in `addStage`; the stages between the old and the new place shift by one, so positions stay
 * 0…n-1 without gaps. Run it in a transaction: the shift and the move are one change.
 */
export async function updateStage(
  db: Kysely<Schema>,
  accountId: string,
  id: string,
  change: { name?: string | undefined; position?: number | undefined },
): Promise<Stage> {
  const stage = await getStageRow(db, accountId, id);
  if (change.name !== undefined) await db.updateTable('stages').set({ name: change.name }).where('id', '=', id).execute();
  if (change.position !== undefined) await moveStage(db, stage, change.position);
  return { _id: id, name: change.name ?? stage.name };
}

async function moveStage(db: Kysely<Schema>, stage: StageRow, position: number): Promise<void> {
  const count = await db.selectFrom('stages').select((eb) => eb.fn.countAll().as('n')).where('pipeline_id', '=', stage.pipeline_id).executeTakeFirstOrThrow();
  const to = Math.min(position, Number(count.n) - 1);
  const from = stage.position;
  if (to === from) return;
  const [low, high, step] = to < from ? [to, from - 1, 1] : [from + 1, to, -1];
  await db
    .updateTable('stages')
    .set((eb) => ({ position: eb('position', '+', step) }))
    .where('pipeline_id', '=', stage.pipeline_id)
    .where('position', '>=', low)
    .where('position', '<=', high)
    .execute();
  await db.updateTable('stages').set({ position: to }).where('id', '=', stage.id).execute();
}

export async function deleteStage(db: Kysely<Schema>, accountId: string, id: string): Promise<void> {
  const stage = await getStageRow(db, accountId, id);
  const lead = await db.selectFrom('leads').select('id').where('stage_id', '=', id).executeTakeFirst();
  if (lead) throw new AppError('conflict', 'The stage still has leads; move them first');
  await db.deleteFrom('stages').where('id', '=', id).execute();
  await db
    .updateTable('stages')
    .set((eb) => ({ position: eb('position', '-', 1) }))
    .where('pipeline_id', '=', stage.pipeline_id)
    .where('position', '>', stage.position)
    .execute();
}
