// The routes every thing on a lead shares (docs/SPEC.md §7): `GET|POST /leads/:id/<path>` and
// `GET|PUT|DELETE /leads/:id/<path>/:itemId`, each part present only when the resource has it.
// Writes run in one recorder transaction, so the change and its activities commit together.
import type { Kysely } from 'kysely';
import type { Static, TSchema } from 'typebox';
import type { Actor, Tx } from '../../activities/recorder.ts';
import type { Schema } from '../../storage/schema.ts';
import { Empty, IdParams, LeadItemParams, Paging, pageWindow } from '../schemas.ts';
import type { ApiScope } from './types.ts';
import type { AppContext } from '../../context.ts';

export interface LeadItemResource<Create extends TSchema, Update extends TSchema> {
  /** The path segment after `/leads/:id/`, e.g. `todos`. */
  path: string;
  list(db: Kysely<Schema>, accountId: string, leadId: string, limit: number, offset: number): Promise<unknown[]>;
  get?(db: Kysely<Schema>, accountId: string, leadId: string, itemId: string): Promise<unknown>;
  /**
   * `atOnce`: the create writes only through its `Tx` (one reserve on the lead, insertWithRecord,
   * one record), so it may run as ActivityRecorder.transactionAtOnce, in one statement.
   */
  create?: { body: Create; run(tx: Tx, actor: Actor, leadId: string, body: Static<Create>): Promise<unknown>; atOnce?: boolean };
  update?: { body: Update; run(tx: Tx, actor: Actor, leadId: string, itemId: string, body: Static<Update>): Promise<unknown> };
  remove?(tx: Tx, actor: Actor, leadId: string, itemId: string): Promise<void>;
}

export function registerLeadItemRoutes<Create extends TSchema, Update extends TSchema>(
  api: ApiScope,
  ctx: AppContext,
  resource: LeadItemResource<Create, Update>,
): void {
  const tags = [resource.path];
  const many = `/leads/:id/${resource.path}`;
  const one = `${many}/:itemId`;
  const params = (request: { params: unknown }) => request.params as LeadItemParams;

  api.get(many, { schema: { tags, params: IdParams, querystring: Paging } }, async (request) => {
    const { limit, offset } = pageWindow(request.query);
    return resource.list(ctx.db, request.actor.accountId, request.params.id, limit, offset);
  });
  const { get, create, update, remove } = resource;
  if (create) {
    api.post(many, { schema: { tags, params: IdParams, body: create.body } }, async (request, reply) => {
      const body = request.body as Static<Create>;
      const work = (tx: Tx) => create.run(tx, request.actor, request.params.id, body);
      const created = await (create.atOnce ? ctx.recorder.transactionAtOnce(work) : ctx.recorder.transaction(work));
      return reply.status(201).send(created);
    });
  }
  if (get) {
    api.get(one, { schema: { tags, params: LeadItemParams } }, async (request) => {
      const { id, itemId } = params(request);
      return get(ctx.db, request.actor.accountId, id, itemId);
    });
  }
  if (update) {
    api.put(one, { schema: { tags, params: LeadItemParams, body: update.body } }, async (request) => {
      const { id, itemId } = params(request);
      const body = request.body as Static<Update>;
      return ctx.recorder.transaction((tx) => update.run(tx, request.actor, id, itemId, body));
    });
  }
  if (remove) {
    api.delete(one, { schema: { tags, params: LeadItemParams, response: { 200: Empty } } }, async (request) => {
      const { id, itemId } = params(request);
      await ctx.recorder.transaction((tx) => remove(tx, request.actor, id, itemId));
      return {};
    });
  }
}
