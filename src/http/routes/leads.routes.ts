// Leads (docs/SPEC.md §7): list, create, read, update every field, delete.
import { Type } from 'typebox';
import { getLeadView } from '../../crm/leads.repository.ts';
import { LEAD_SORTS, listLeads, stageTotals, type LeadFilter } from '../../crm/leads-listing.ts';
import { createAttachmentFiles } from '../../crm/attachment-files.ts';
import { createLead, createLeadAtOnce, deleteLeadAndFiles, toLead, updateLead } from '../../crm/leads.service.ts';
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
    close_reason: Type.Optional(Type.Union([Text(1000), Type.Null()], { description: 'why it was won or lost' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
const Amount = Type.Number({ minimum: -1e15, maximum: 1e15 });
const LeadFilterQuery = Type.Object({
  pipeline_id: Type.Optional(Id),
  stage_id: Type.Optional(Id),
  archived: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'search in lead names and their contacts' })),
  status: Type.Optional(Status),
  user_id: Type.Optional(Id),
  min_size: Type.Optional(Amount),
  max_size: Type.Optional(Amount),
});
const LeadQuery = Type.Intersect([
  Paging,
  LeadFilterQuery,
  Type.Object({
    sort: Type.Optional(Type.Union(LEAD_SORTS.map((s) => Type.Literal(s)))),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  }),
]);
type FilterQuery = { pipeline_id?: string; stage_id?: string; archived?: boolean; q?: string; status?: 'open' | 'won' | 'lost'; user_id?: string; min_size?: number; max_size?: number };
const toFilter = (q: FilterQuery): LeadFilter => ({
  pipelineId: q.pipeline_id,
  stageId: q.stage_id,
  archived: q.archived,
  q: q.q,
  status: q.status,
  userId: q.user_id,
  minSize: q.min_size,
  maxSize: q.max_size,
});

export const leadRoutes: ApiRoutes = (api, ctx) => {
  const files = createAttachmentFiles(ctx.config.dataDir);
  api.get('/leads', { schema: { tags, querystring: LeadQuery } }, async (request) => {
    const { limit, offset } = pageWindow(request.query);
    const { sort, order } = request.query;
    const rows = await listLeads(ctx.db, request.actor.accountId, toFilter(request.query), { sort, direction: order }, limit, offset);
    return rows.map(toLead);
  });

  api.get(
    '/leads/stage-totals',
    { schema: { tags, summary: 'Count and value of the matching leads per stage', querystring: LeadFilterQuery } },
    async (request) => stageTotals(ctx.db, request.actor.accountId, toFilter(request.query)),
  );

  api.post('/leads', { schema: { tags, body: LeadCreate } }, async (request, reply) => {
    const lead =
      (await createLeadAtOnce(ctx.recorder, request.actor, request.body)) ?? (await ctx.recorder.transaction((tx) => createLead(tx, request.actor, request.body)));
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
