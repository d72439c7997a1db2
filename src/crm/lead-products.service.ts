// Products on a lead: a link with a quantity (default 1), an optional price of its own and a
// discount, a percentage off the unit price (docs/API.md "Linking catalogue items to a lead").
// The lead product's `price` is the unit price after the discount: (link price, else product
// price) × (1 − discount / 100); product:added carries that price when one is known.
// PUT replaces the link: a price left out falls back to the product's, a discount left out is 0.
// Re-PUT with the same quantity, price and discount records nothing; with a change it updates the
// link and records product:added again with the new values (ClinchPad has no "product changed" type).
import type { Kysely } from 'kysely';
import type { ActivityChange } from '../activities/catalogue.ts';
import type { Actor, Tx } from '../activities/recorder.ts';
import { notFound } from '../shared/errors.ts';
import type { ProductRow, Schema } from '../storage/schema.ts';
import { getCatalogueRow } from './catalogue.repository.ts';
import { getLeadRow } from './leads.repository.ts';

export interface LeadProduct {
  /** The product's id. */
  _id: string;
  name: string;
  quantity: number;
  /** The unit price on this lead after the discount: from the link's own, else the product's; else null. */
  price: number | null;
  /** Percent off the unit price, 0–100. */
  discount: number;
  /** The link's own price, null when it uses the product's. */
  lead_price: number | null;
  product_price: number | null;
}

export interface ProductLinkInput {
  quantity?: number | undefined;
  price?: number | null | undefined;
  discount?: number | undefined;
}

interface LinkValues {
  quantity: number;
  price: number | null;
  discount: number;
}

/** The unit price after the discount, rounded to 1/10000 so both databases store the same value. */
function discounted(price: number | null, discount: number): number | null {
  if (price === null) return null;
  return Math.round(price * (100 - discount) * 100) / 10_000;
}

const toLeadProduct = (product: Pick<ProductRow, 'id' | 'name' | 'price'>, link: LinkValues): LeadProduct => ({
  _id: product.id,
  name: product.name,
  quantity: link.quantity,
  price: discounted(link.price ?? product.price, link.discount),
  discount: link.discount,
  lead_price: link.price,
  product_price: product.price,
});

export async function listLeadProducts(
  db: Kysely<Schema>,
  accountId: string,
  leadId: string,
  limit: number,
  offset: number,
): Promise<LeadProduct[]> {
  await getLeadRow(db, accountId, leadId);
  const rows = await db
    .selectFrom('lead_products as link')
    .innerJoin('products', 'products.id', 'link.product_id')
    .select(['products.id', 'products.name', 'products.price as product_price', 'link.quantity', 'link.price', 'link.discount'])
    .where('link.lead_id', '=', leadId)
    .where('link.account_id', '=', accountId)
    .orderBy('link.created_at')
    .orderBy('products.id')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => toLeadProduct({ id: r.id, name: r.name, price: r.product_price }, r));
}

/** One product of a lead (404 when the product is not on it). */
export async function getLeadProduct(db: Kysely<Schema>, accountId: string, leadId: string, productId: string): Promise<LeadProduct> {
  await getLeadRow(db, accountId, leadId);
  const product = await getCatalogueRow(db, 'products', accountId, productId);
  const link = await findLink(db, leadId, productId);
  if (!link) throw notFound('Product on this lead');
  return toLeadProduct(product, link);
}

function addedChange(product: ProductRow, link: LinkValues): ActivityChange {
  const price = discounted(link.price ?? product.price, link.discount);
  return {
    type: 'product:added',
    fields: { product_name: product.name, product_quantity: link.quantity, ...(price !== null ? { product_price: price } : {}) },
  };
}

export async function linkProduct(
  tx: Tx,
  actor: Actor,
  leadId: string,
  productId: string,
  input: ProductLinkInput,
): Promise<LeadProduct> {
  await getLeadRow(tx.db, actor.accountId, leadId);
  const product = await getCatalogueRow(tx.db, 'products', actor.accountId, productId);
  const wanted: LinkValues = { quantity: input.quantity ?? 1, price: input.price ?? null, discount: input.discount ?? 0 };
  const existing = await findLink(tx.db, leadId, productId);
  if (!existing) {
    await tx.db
      .insertInto('lead_products')
      .values({ account_id: actor.accountId, lead_id: leadId, product_id: productId, ...wanted, created_at: tx.now.getTime() })
      .execute();
    await tx.record(actor, leadId, [addedChange(product, wanted)]);
  } else if (existing.quantity !== wanted.quantity || existing.price !== wanted.price || existing.discount !== wanted.discount) {
    await tx.db.updateTable('lead_products').set(wanted).where('lead_id', '=', leadId).where('product_id', '=', productId).execute();
    await tx.record(actor, leadId, [addedChange(product, wanted)]);
  }
  return toLeadProduct(product, wanted);
}

export async function unlinkProduct(tx: Tx, actor: Actor, leadId: string, productId: string): Promise<void> {
  await getLeadRow(tx.db, actor.accountId, leadId);
  const product = await getCatalogueRow(tx.db, 'products', actor.accountId, productId);
  const link = await findLink(tx.db, leadId, productId);
  if (!link) throw notFound('Product on this lead');
  await tx.db.deleteFrom('lead_products').where('lead_id', '=', leadId).where('product_id', '=', productId).execute();
  await tx.record(actor, leadId, [{ type: 'product:removed', fields: { product_name: product.name, product_quantity: link.quantity } }]);
}

async function findLink(db: Kysely<Schema>, leadId: string, productId: string) {
  return db
    .selectFrom('lead_products')
    .select(['quantity', 'price', 'discount'])
    .where('lead_id', '=', leadId)
    .where('product_id', '=', productId)
    .executeTakeFirst();
}
