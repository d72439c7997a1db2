// Leads (PRODUCT §7): list, create, read, update every field, delete.
import { Type } from 'typebox';
import { listLeadViews, getLeadView } from '../../crm/leads.repository.ts';
import { createAttachmentFiles } from '../../crm/attachment-files.ts';
import { createLead, deleteLeadAndFiles, toLead, updateLead } from '../../crm/leads.service.ts';
import { Empty, Id, IdParams, Paging, Text, pageWindow } from '../schemas.ts';
import type { ApiRoutes } from './types.ts';

const tags = ['leads'];
const Size = Type.Union([Type.Number({ minimum: -1e15, maximum: 1e15 }), Type.Null()]);
const Status = Type.Union([Type.Literal('open'), Type.Literal('won'), Type.Literal('lost')]);

const LeadCreate = Type.Object(
  {
    name: Text(500),
    pipeline_id: Id,
    stage_id: Type.Optional(Id),
    size: Type.Optional(Size),
    user_id: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false },
);
const LeadUpdate = Type.Object(
  {
    name: Type.Optional(Text(500)),
    size: Type.Optional(Size),
    stage_id: Type.Optional(Id),
    user_id: Type.Optional(Type.Union([Id, Type.Null()], { description: 'null unassigns' })),
    status: Type.Optional(Status),
    archived: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
const LeadQuery = Type.Intersect([
  Paging,
  Type.Object({
    pipeline_id: Type.Optional(Id),
    stage_id: Type.Optional(Id),
    archived: Type.Optional(Type.Boolean()),
  }),
]);

export const leadRoutes: ApiRoutes = (api, ctx) => {
  const files = createAttachmentFiles(ctx.config.dataDir);
  api.get('/leads', { schema: { tags, querystring: LeadQuery } }, async (request) => {
    const { limit, offset } = pageWindow(request.query);
    const { pipeline_id, stage_id, archived } = request.query;
    const rows = await listLeadViews(
      ctx.db,
      request.actor.accountId,
      { pipelineId: pipeline_id, stageId: stage_id, archived },
      limit,
      offset,
    );
    return rows.map(toLead);
  });

  api.post('/leads', { schema: { tags, body: LeadCreate } }, async (request, reply) => {
    const lead = await ctx.recorder.transaction((tx) => createLead(tx, request.actor, request.body));
    return reply.status(201).send(lead);
  });

  api.get('/leads/:id', { schema: { tags, params: IdParams } }, async (request) =>
    toLead(await getLeadView(ctx.db, request.actor.accountId, request.params.id)),
  );

  api.put('/leads/:id', { schema: { tags, params: IdParams, body: LeadUpdate } }, async (request) =>
    ctx.recorder.transaction((tx) => updateLead(tx, request.actor, request.params.id, request.body)),
  );

  api.delete('/leads/:id', { schema: { tags, params: IdParams, response: { 200: Empty } } }, async (request) => {
    await deleteLeadAndFiles(ctx.recorder, files, request.actor, request.params.id);
    return {};
  });
};
