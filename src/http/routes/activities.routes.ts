// GET /activities, /activities/:id, /leads/:id/activities, /event-types (docs/SPEC.md §7).
import { Type, type Static } from 'typebox';
import { getActivity, listActivities } from '../../activities/activities.repository.ts';
import { ACTIVITY_TYPES } from '../../activities/catalogue.ts';
import { describeEventTypes } from '../../activities/event-types.ts';
import { getLeadRow } from '../../crm/leads.repository.ts';
import { invalid } from '../../shared/errors.ts';
import { Id, IdParams, Paging, pageWindow } from '../schemas.ts';
import type { ApiRoutes } from './types.ts';

const tags = ['activities'];
const ActivityQuery = Type.Intersect([
  Paging,
  Type.Object({
    filter_type: Type.Optional(Type.String({ description: 'comma-separated activity types' })),
    after: Type.Optional(Id),
    before: Type.Optional(Id),
    order: Type.Optional(
      Type.Union([Type.Literal('asc'), Type.Literal('desc')], {
        description: 'default desc (newest first); asc when `after` is given, so the last item is the next cursor',
      }),
    ),
  }),
]);
type ActivityQueryString = Static<typeof ActivityQuery>;

/** The cursor and order of a listing: newest first, except when reading forward from `after`. */
function window(query: ActivityQueryString) {
  const { limit, offset } = pageWindow(query);
  const order = query.order ?? (query.after !== undefined ? 'asc' : 'desc');
  return { after: query.after, before: query.before, order, limit, offset, types: parseTypes(query.filter_type) };
}

function parseTypes(filter: string | undefined): string[] | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  const types = filter.split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = types.filter((t) => !(ACTIVITY_TYPES as string[]).includes(t));
  if (unknown.length > 0) {
    throw invalid(`Unknown activity type: ${unknown.join(', ')}`, [{ field: 'filter_type', message: 'unknown type' }]);
  }
  return types;
}

export const activityRoutes: ApiRoutes = (api, ctx) => {
  const eventTypes = describeEventTypes();
  api.get('/event-types', { schema: { tags, summary: 'The 33 activity types' } }, async () => eventTypes);

  api.get('/activities', { schema: { tags, querystring: ActivityQuery } }, async (request) => {
    return listActivities(ctx.db, { accountId: request.actor.accountId, ...window(request.query) });
  });

  api.get('/activities/:id', { schema: { tags, params: IdParams } }, async (request) =>
    getActivity(ctx.db, request.actor.accountId, request.params.id),
  );

  api.get(
    '/leads/:id/activities',
    { schema: { tags, params: IdParams, querystring: ActivityQuery } },
    async (request) => {
      await getLeadRow(ctx.db, request.actor.accountId, request.params.id);
      return listActivities(ctx.db, { accountId: request.actor.accountId, leadId: request.params.id, ...window(request.query) });
    },
  );
};
