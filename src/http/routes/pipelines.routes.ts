// Pipelines and stages (docs/SPEC.md §7). Managing them is open to every user of the account.
import { Type } from 'typebox';
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
  api.put('/stages/:id', { schema: { tags, params: IdParams, body: NameBody } }, async (request) =>
    pipelines.renameStage(db, request.actor.accountId, request.params.id, request.body.name),
  );
  // The path some ClinchPad clients use for the same change; the stage must be of that pipeline.
  api.put(
    '/pipelines/:pid/stages/:sid',
    { schema: { tags, summary: 'Rename a stage (same as PUT /stages/:id)', params: Type.Object({ pid: Id, sid: Id }), body: NameBody } },
    async (request) => {
      await pipelines.getStage(db, request.actor.accountId, request.params.sid, request.params.pid);
      return pipelines.renameStage(db, request.actor.accountId, request.params.sid, request.body.name);
    },
  );
  api.delete('/stages/:id', { schema: { tags, params: IdParams, response: { 200: Empty } } }, async (request) => {
    await db.transaction().execute((trx) => pipelines.deleteStage(trx, request.actor.accountId, request.params.id));
    return {};
  });
};
