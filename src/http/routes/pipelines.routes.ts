// Pipelines and stages (docs/SPEC.md §7). Managing them is open to every user of the account.
import { Type, type Static } from 'typebox';
import * as pipelines from '../../crm/pipelines.service.ts';
import { Empty, Id, IdParams, Paging, Text, pageWindow } from '../schemas.ts';
import type { ApiRoutes } from './types.ts';

const tags = ['pipelines'];
const PipelineBody = Type.Object(
  { name: Text(200), stages: Type.Optional(Type.Array(Text(200), { maxItems: 50 })) },
  { additionalProperties: false },
);
const StageBody = Type.Object(
  { name: Text(200), position: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);
const NameBody = Type.Object({ name: Text(200) }, { additionalProperties: false });
// ClinchPad's update takes `name`; leadhook also takes `position` (0-based, as when adding a
// stage) to move the stage, and either alone (docs/API.md).
const StageUpdate = Type.Object(
  {
    name: Type.Optional(Text(200)),
    position: Type.Optional(Type.Integer({ minimum: 0, description: '0-based; past the last stage means last' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const pipelineRoutes: ApiRoutes = (api, ctx) => {
  const db = ctx.db;
  api.get('/pipelines', { schema: { tags, querystring: Paging } }, async (request) => {
    const { limit, offset } = pageWindow(request.query);
    return pipelines.listPipelines(db, request.actor.accountId, limit, offset);
  });
  api.post('/pipelines', { schema: { tags, body: PipelineBody } }, async (request, reply) => {
    const { name, stages } = request.body;
    const created = await db
      .transaction()
      .execute((trx) => pipelines.addPipeline(trx, request.actor.accountId, name, stages ?? [], ctx.clock.now()));
    return reply.status(201).send(created);
  });
  api.get('/pipelines/:id', { schema: { tags, params: IdParams } }, async (request) =>
    pipelines.getPipeline(db, request.actor.accountId, request.params.id),
  );
  api.put('/pipelines/:id', { schema: { tags, params: IdParams, body: NameBody } }, async (request) =>
    pipelines.renamePipeline(db, request.actor.accountId, request.params.id, request.body.name),
  );
  api.delete('/pipelines/:id', { schema: { tags, params: IdParams, response: { 200: Empty } } }, async (request) => {
    await db.transaction().execute((trx) => pipelines.deletePipeline(trx, request.actor.accountId, request.params.id));
    return {};
  });

  api.get('/pipelines/:id/stages', { schema: { tags, params: IdParams, querystring: Paging } }, async (request) => {
    const { limit, offset } = pageWindow(request.query);
    return (await pipelines.getPipeline(db, request.actor.accountId, request.params.id)).stages.slice(offset, offset + limit);
  });
  api.post('/pipelines/:id/stages', { schema: { tags, params: IdParams, body: StageBody } }, async (request, reply) => {
    const stage = await db
      .transaction()
      .execute((trx) =>
        pipelines.addStage(trx, request.actor.accountId, request.params.id, request.body.name, request.body.position, ctx.clock.now()),
      );
    return reply.status(201).send(stage);
  });
  api.get(
    '/pipelines/:pid/stages/:sid',
    { schema: { tags, params: Type.Object({ pid: Id, sid: Id }) } },
    async (request) => pipelines.getStage(db, request.actor.accountId, request.params.sid, request.params.pid),
  );
  const updateStage = (accountId: string, id: string, body: Static<typeof StageUpdate>) =>
    db.transaction().execute((trx) => pipelines.updateStage(trx, accountId, id, body));
  api.put('/stages/:id', { schema: { tags, summary: 'Rename and/or move a stage', params: IdParams, body: StageUpdate } }, async (request) =>
    updateStage(request.actor.accountId, request.params.id, request.body),
  );
  // The path some ClinchPad clients use for the same change; the stage must be of that pipeline.
  api.put(
    '/pipelines/:pid/stages/:sid',
    { schema: { tags, summary: 'Rename and/or move a stage (same as PUT /stages/:id)', params: Type.Object({ pid: Id, sid: Id }), body: StageUpdate } },
    async (request) => {
      await pipelines.getStage(db, request.actor.accountId, request.params.sid, request.params.pid);
      return updateStage(request.actor.accountId, request.params.sid, request.body);
    },
  );
  api.delete('/stages/:id', { schema: { tags, params: IdParams, response: { 200: Empty } } }, async (request) => {
    await db.transaction().execute((trx) => pipelines.deleteStage(trx, request.actor.accountId, request.params.id));
    return {};
  });
};
