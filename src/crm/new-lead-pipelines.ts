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
 * The remembered pipeline and stage for a new lead, the row `makeRow` builds for them, and the lead
 * as a guarded INSERT for a caller that writes it within a larger statement, possibly with other
 * new leads (the one-statement new lead, src/delivery/outbox-targets.ts); undefined when nothing is
 * remembered for the pipeline or the stage is not among it. A lead whose guard fails is not added.
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
  const guard = { pipeline_name: pipeline.name, stage_name: stage.name, must_be_first: stageId === undefined ? 1 : 0 };
  return { pipeline, stage, row, insert: { text: guardedLeadsInsert(Object.keys(row)), row, guard } };
}

function pickStage(pipeline: Pipeline, stageId: string | undefined): Stage | undefined {
  return stageId === undefined ? pipeline.stages[0] : pipeline.stages.find((s) => s._id === stageId);
}

// A stage is first when no stage of its pipeline has a lower position (getPipeline orders by it).
// One condition for both forms of the insert: over `?` parameters (one lead) or over the columns of
// the batched leads' rows (guardedLeadsInsert), in this order.
const guardOver = (account: string, pipeline: string, pipelineName: string, stage: string, stageName: string, mustBeFirst: string) =>
  'exists (select 1 from "pipelines" p join "stages" s on s."pipeline_id" = p."id" ' +
  `where p."account_id" = ${account} and p."id" = ${pipeline} and p."name" = ${pipelineName} and s."id" = ${stage} and s."name" = ${stageName} ` +
  `and (${mustBeFirst} = 0 or not exists (select 1 from "stages" f where f."pipeline_id" = p."id" and f."position" < s."position")))`;
const GUARD = `where ${guardOver('?', '?', '?', '?', '?', '?')}`;

/** The lead's INSERT, adding it only while the pipeline and stage are the remembered ones. */
async function insertIfCurrent(db: Kysely<Schema>, row: LeadRow, pipeline: Pipeline, stage: Stage, mustBeFirst: boolean): Promise<boolean> {
  const columns = Object.keys(row) as Array<keyof LeadRow>;
  const added = await guardedInsert(columns).run(db, guardParameters(row, columns, pipeline, stage, mustBeFirst));
  return added === 1;
}

function guardParameters(row: LeadRow, columns: ReadonlyArray<keyof LeadRow>, pipeline: Pipeline, stage: Stage, mustBeFirst: boolean): unknown[] {
  return [...columns.map((column) => row[column]), row.account_id, pipeline._id, pipeline.name, stage._id, stage.name, mustBeFirst ? 1 : 0];
}

type GuardedInsert = { columns: string; run: ReturnType<typeof fixedWrite> };
let cached: GuardedInsert | undefined;

/**
 * The guarded INSERT of one lead (`?` placeholders), made once per column list (callers build rows
 * with one constructor, so there is one).
 */
function guardedInsert(columns: readonly string[]): GuardedInsert {
  const list = columnList(columns);
  if (cached?.columns !== list) {
    cached = { columns: list, run: fixedWrite(`insert into "leads" (${list}) select ${columns.map(() => '?').join(', ')} ${GUARD}`) };
  }
  return cached;
}

let batched: { columns: string; text: string } | undefined;

/**
 * PostgreSQL: the INSERT of any number of new leads in one statement, each added only while its
 * pipeline and stage are as remembered (the same guard as one lead's). Two `?` placeholders: the
 * JSON array of the rows and that of their guards (GuardedLeadInsert), zipped in order by
 * `rows from`; more conditions may follow with `and`, over the columns of `"new_lead"`.
 */
function guardedLeadsInsert(columns: readonly string[]): string {
  const list = columnList(columns);
  if (batched?.columns !== list) {
    const from = `rows from (json_populate_recordset(null::"leads", ?::json), json_to_recordset(?::json) as ("pipeline_name" text, "stage_name" text, "must_be_first" int)) as "new_lead"`;
    const n = (column: string) => `"new_lead"."${column}"`;
    const guard = guardOver(n('account_id'), n('pipeline_id'), n('pipeline_name'), n('stage_id'), n('stage_name'), n('must_be_first'));
    batched = { columns: list, text: `insert into "leads" (${list}) select ${columns.map(n).join(', ')} from ${from} where ${guard}` };
  }
  return batched.text;
}
