// The account catalogues and their links to leads (docs/SPEC.md §7), one set of routes per catalogue:
//   GET|POST /<x>   GET|PUT|DELETE /<x>/:id   GET /leads/:id/<x>   PUT|DELETE /leads/:id/<x>/:itemId
// Contacts, zones and sources link with an empty body; products take `{quantity?, price?, discount?}`.
// Contacts have their own item routes (contacts.routes.ts); products list their leads.
import { Type, type TProperties } from 'typebox';
import * as catalogue from '../../crm/catalogue.service.ts';
import { CATALOGUE_NAMES, type CatalogueItem, type CatalogueName } from '../../crm/catalogue-specs.ts';
import { linkItem, listLinkedItems, unlinkItem } from '../../crm/lead-links.service.ts';
import { getLeadProduct, linkProduct, listLeadProducts, unlinkProduct, type ProductLinkInput } from '../../crm/lead-products.service.ts';
import { getContact, listLeadContacts } from '../../crm/contacts.service.ts';
import { withLeads } from '../../crm/products.service.ts';
import { Amount, Empty, IdParams, LeadItemParams, NullableText, Paging, Text, pageWindow } from '../schemas.ts';
import type { ApiRoutes, ApiScope } from './types.ts';
import type { AppContext } from '../../context.ts';

const Price = Type.Optional(Type.Union([Amount, Type.Null()]));

/** What a client may set on each catalogue; PUT takes any non-empty subset. */
const PROPERTIES: Record<CatalogueName, TProperties> = {
  contacts: {
    name: Text(200),
    designation: NullableText(200),
    email: NullableText(320),
    phone: NullableText(100),
    address: NullableText(1000),
  },
  products: { name: Text(200), price: Price },
  zones: { name: Text(200) },
  sources: { name: Text(200) },
};

const ProductLink = Type.Object(
  {
    quantity: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1e9, description: 'default 1' })),
    price: Price,
    discount: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'percent off the unit price; default 0' })),
  },
  { additionalProperties: false },
);

/** Optional catalogue columns the client left out are stored as null. */
function withNulls(table: CatalogueName, body: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const key of Object.keys(PROPERTIES[table])) row[key] = body[key] ?? null;
  return row;
}

function itemRoutes(api: ApiScope, ctx: AppContext, table: CatalogueName): void {
  const tags = [table];
  const properties = PROPERTIES[table];
  const Create = Type.Object(properties, { additionalProperties: false });
  const optional = Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key, Type.Optional(schema)]));
  const Update = Type.Object(optional, { additionalProperties: false, minProperties: 1 });
  const accountOf = (request: { actor: { accountId: string } }) => request.actor.accountId;

  // Products show the leads they are on, as ClinchPad's do.
  const shown = async (accountId: string, items: CatalogueItem[]) => (table === 'products' ? withLeads(ctx.db, accountId, items) : items);

  api.get(`/${table}`, { schema: { tags, querystring: Paging } }, async (request) => {
    const { limit, offset } = pageWindow(request.query);
    return shown(accountOf(request), await catalogue.listCatalogue(ctx.db, table, accountOf(request), limit, offset));
  });
  api.post(`/${table}`, { schema: { tags, body: Create } }, async (request, reply) => {
    const input = withNulls(table, request.body as Record<string, unknown>) as catalogue.CatalogueInput<typeof table>;
    const created = await catalogue.createCatalogueItem(ctx.db, table, accountOf(request), input, ctx.clock.now());
    return reply.status(201).send((await shown(accountOf(request), [created]))[0]);
  });
  api.get(`/${table}/:id`, { schema: { tags, params: IdParams } }, async (request) => {
    const [item] = await shown(accountOf(request), [await catalogue.getCatalogueItem(ctx.db, table, accountOf(request), request.params.id)]);
    return item;
  });
  api.put(`/${table}/:id`, { schema: { tags, params: IdParams, body: Update } }, async (request) => {
    const updated = await catalogue.updateCatalogueItem(ctx.db, table, accountOf(request), request.params.id, request.body as object);
    return (await shown(accountOf(request), [updated]))[0];
  });
  api.delete(`/${table}/:id`, { schema: { tags, params: IdParams, response: { 200: Empty } } }, async (request) => {
    await ctx.db.transaction().execute((trx) => catalogue.deleteCatalogueItem(trx, table, accountOf(request), request.params.id));
    return {};
  });
}

function leadLinkRoutes(api: ApiScope, ctx: AppContext, table: CatalogueName): void {
  const tags = [table];
  const many = `/leads/:id/${table}`;
  const one = `${many}/:itemId`;

  api.get(many, { schema: { tags, params: IdParams, querystring: Paging } }, async (request) => {
    const { limit, offset } = pageWindow(request.query);
    const accountId = request.actor.accountId;
    if (table === 'products') return listLeadProducts(ctx.db, accountId, request.params.id, limit, offset);
    const items = await listLinkedItems(ctx.db, table, accountId, request.params.id, limit, offset);
    return table === 'contacts' ? listLeadContacts(ctx.db, accountId, items.map((i) => i._id)) : items;
  });
  if (table === 'products') {
    api.get(one, { schema: { tags, params: LeadItemParams } }, async (request) => {
      const { id, itemId } = request.params as LeadItemParams;
      return getLeadProduct(ctx.db, request.actor.accountId, id, itemId);
    });
    api.put(one, { schema: { tags, params: LeadItemParams, body: ProductLink } }, async (request) => {
      const { id, itemId } = request.params as LeadItemParams;
      return ctx.recorder.transaction((tx) => linkProduct(tx, request.actor, id, itemId, (request.body ?? {}) as ProductLinkInput));
    });
  } else {
    api.put(one, { schema: { tags, params: LeadItemParams } }, async (request) => {
      const { id, itemId } = request.params as LeadItemParams;
      const linked = await ctx.recorder.transaction((tx) => linkItem(tx, request.actor, table, id, itemId));
      // A contact answers in its full shape (organization, fields), as GET /contacts/:id does.
      return table === 'contacts' ? getContact(ctx.db, request.actor.accountId, itemId) : linked;
    });
  }
  api.delete(one, { schema: { tags, params: LeadItemParams, response: { 200: Empty } } }, async (request) => {
    const { id, itemId } = request.params as LeadItemParams;
    await ctx.recorder.transaction((tx) => (table === 'products' ? unlinkProduct(tx, request.actor, id, itemId) : unlinkItem(tx, request.actor, table, id, itemId)));
    return {};
  });
}

export const catalogueRoutes: ApiRoutes = (api, ctx) => {
  for (const table of CATALOGUE_NAMES) {
    if (table !== 'contacts') itemRoutes(api, ctx, table);
    leadLinkRoutes(api, ctx, table);
  }
};
