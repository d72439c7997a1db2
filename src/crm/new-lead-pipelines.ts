// The pipeline and stage a new lead goes into, without a read per lead. Reading the pipeline was one
// of the five statements of every `POST /leads` on PostgreSQL (docs/BENCHMARKS.md). This module
// remembers each pipeline as last read in this process and lets the lead's INSERT check it: the
// insert adds the lead only if the pipeline (id, account, name) and the chosen stage (id, name, and
// still the first when the caller named none) are exactly the remembered ones, compared inside the
// statement. A pipeline or stage renamed, reordered or deleted by any process (or the CLI) shows on
// the next lead everywhere: the insert adds nothing, and the lead is made again from a fresh read,
// in the same transaction. So a remembered answer can cost one statement more, never a wrong lead
// or a wrong name in the webhook's lead snapshot. The same on SQLite and PostgreSQL.
import type { Kysely } from 'kysely';
import type { GuardedLeadInsert } from '../activities/recorder.ts';
import { invalid } from '../shared/errors.ts';
import { columnList, fixedWrite, insertRows } from '../storage/fixed-sql.ts';
import type { LeadRow, Schema } from '../storage/schema.ts';
import { getPipeline, type Pipeline, type Stage } from './pipelines.service.ts';

const CAPACITY = 10_000;
const known = new Map<string, Pipeline>();
const keyOf = (accountId: string, pipelineId: string) => `${accountId}\u0000${pipelineId}`;

/**
 * Inserts the lead `makeRow` builds for the pipeline's stage `stageId` (its first stage when
 * undefined); returns the row and the pipeline and stage it went into. Throws not found for an
 * unknown pipeline and invalid for an unknown stage, as a fresh read would.
 */
export async function insertNewLead(
  db: Kysely<Schema>,
  accountId: string,
  pipelineId: string,
  stageId: string | undefined,
  makeRow: (pipeline: Pipeline, stage: Stage) => LeadRow | Promise<LeadRow>,
): Promise<{ pipeline: Pipeline; stage: Stage; row: LeadRow }> {
  const key = keyOf(accountId, pipelineId);
  const remembered = known.get(key);
  const rememberedStage = remembered && pickStage(remembered, stageId);
  if (remembered && rememberedStage) {
    const row = await makeRow(remembered, rememberedStage);
    if (await insertIfCurrent(db, row, remembered, rememberedStage, stageId === undefined)) return { pipeline: remembered, stage: rememberedStage, row };
  }
  known.delete(key);
  const pipeline = await getPipeline(db, accountId, pipelineId);
  const stage = pickStage(pipeline, stageId);
  if (stage === undefined) {
    throw stageId === undefined
      ? invalid('The pipeline has no stages; add one first')
      : invalid('stage_id is not a stage of that pipeline', [{ field: 'stage_id', message: 'unknown stage' }]);
  }
  if (known.size >= CAPACITY) known.clear();
  known.set(key, pipeline);
  const row = await makeRow(pipeline, stage);
  await insertRows(db, 'leads', [row]);
  return { pipeline, stage, row };
}

/**
 * The remembered pipeline and stage for a new lead, the row `makeRow` builds for them, and its
 * guarded INSERT (as insertNewLead's), for a caller that writes the lead within a larger statement
 * (the one-statement new lead, src/delivery/outbox-targets.ts); undefined when nothing is
 * remembered for the pipeline or the stage is not among it. A guard that fails writes nothing.
 */
export function rememberedNewLead(
  accountId: string,
  pipelineId: string,
  stageId: string | undefined,
  makeRow: (pipeline: Pipeline, stage: Stage) => LeadRow,
): { pipeline: Pipeline; stage: Stage; row: LeadRow; insert: GuardedLeadInsert } | undefined {
  const pipeline = known.get(keyOf(accountId, pipelineId));
  const stage = pipeline && pickStage(pipeline, stageId);
  if (!pipeline || !stage) return undefined;
  const row = makeRow(pipeline, stage);
  const columns = Object.keys(row) as Array<keyof LeadRow>;
  return { pipeline, stage, row, insert: { text: guardedInsert(columns).text, parameters: guardParameters(row, columns, pipeline, stage, stageId === undefined) } };
}

function pickStage(pipeline: Pipeline, stageId: string | undefined): Stage | undefined {
  return stageId === undefined ? pipeline.stages[0] : pipeline.stages.find((s) => s._id === stageId);
}

// A stage is first when no stage of its pipeline has a lower position (getPipeline orders by it).
const GUARD =
  'where exists (select 1 from "pipelines" p join "stages" s on s."pipeline_id" = p."id" ' +
  'where p."account_id" = ? and p."id" = ? and p."name" = ? and s."id" = ? and s."name" = ? ' +
  'and (? = 0 or not exists (select 1 from "stages" f where f."pipeline_id" = p."id" and f."position" < s."position")))';

/** The lead's INSERT, adding it only while the pipeline and stage are the remembered ones. */
async function insertIfCurrent(db: Kysely<Schema>, row: LeadRow, pipeline: Pipeline, stage: Stage, mustBeFirst: boolean): Promise<boolean> {
  const columns = Object.keys(row) as Array<keyof LeadRow>;
  const added = await guardedInsert(columns).run(db, guardParameters(row, columns, pipeline, stage, mustBeFirst));
  return added === 1;
}

function guardParameters(row: LeadRow, columns: ReadonlyArray<keyof LeadRow>, pipeline: Pipeline, stage: Stage, mustBeFirst: boolean): unknown[] {
  return [...columns.map((column) => row[column]), row.account_id, pipeline._id, pipeline.name, stage._id, stage.name, mustBeFirst ? 1 : 0];
}

type GuardedInsert = { columns: string; text: string; run: ReturnType<typeof fixedWrite> };
let cached: GuardedInsert | undefined;

/**
 * The guarded INSERT's text (`?` placeholders) and its runner, made once per column list (callers
 * build rows with one constructor, so there is one).
 */
function guardedInsert(columns: readonly string[]): GuardedInsert {
  const list = columnList(columns);
  if (cached?.columns !== list) {
    const text = `insert into "leads" (${list}) select ${columns.map(() => '?').join(', ')} ${GUARD}`;
    cached = { columns: list, text, run: fixedWrite(text) };
  }
  return cached;
}
