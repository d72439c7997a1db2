// Products on a lead: a link with a quantity and an optional price of its own (PRODUCT §1).
// product:added carries product_price when it is known: the link's price, else the product's.
// PUT replaces the link: a price left out falls back to the product's. Re-PUT with the same
// quantity and price records nothing; with a new quantity or price it updates the link and records
// product:added again with the new values (ClinchPad has no "product changed" type).
import type { Kysely } from 'kysely';
import type { ActivityChange } from '../activities/catalogue.ts';
import type { Actor, Tx } from '../activities/recorder.ts';
import { notFound } from '../shared/errors.ts';
import type { LeadProductRow, ProductRow, Schema } from '../storage/schema.ts';
import { getCatalogueRow } from './catalogue.repository.ts';
import { getLeadRow } from './leads.repository.ts';

export interface LeadProduct {
  /** The product's id. */
  _id: string;
  name: string;
  quantity: number;
  /** The price on this lead: the link's own, else the product's, else null. */
  price: number | null;
  /** The link's own price, null when it uses the product's. */
  lead_price: number | null;
  product_price: number | null;
}

const toLeadProduct = (product: Pick<ProductRow, 'id' | 'name' | 'price'>, link: Pick<LeadProductRow, 'quantity' | 'price'>): LeadProduct => ({
  _id: product.id,
  name: product.name,
  quantity: link.quantity,
  price: link.price ?? product.price,
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
    .select(['products.id', 'products.name', 'products.price as product_price', 'link.quantity', 'link.price'])
    .where('link.lead_id', '=', leadId)
    .where('link.account_id', '=', accountId)
    .orderBy('link.created_at')
    .orderBy('products.id')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => toLeadProduct({ id: r.id, name: r.name, price: r.product_price }, r));
}

function addedChange(product: ProductRow, link: { quantity: number; price: number | null }): ActivityChange {
  const price = link.price ?? product.price;
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
  input: { quantity: number; price?: number | null | undefined },
): Promise<LeadProduct> {
  await getLeadRow(tx.db, actor.accountId, leadId);
  const product = await getCatalogueRow(tx.db, 'products', actor.accountId, productId);
  const wanted = { quantity: input.quantity, price: input.price ?? null };
  const existing = await findLink(tx.db, leadId, productId);
  if (!existing) {
    await tx.db
      .insertInto('lead_products')
      .values({ account_id: actor.accountId, lead_id: leadId, product_id: productId, ...wanted, created_at: tx.now.getTime() })
      .execute();
    await tx.record(actor, leadId, [addedChange(product, wanted)]);
  } else if (existing.quantity !== wanted.quantity || existing.price !== wanted.price) {
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
    .select(['quantity', 'price'])
    .where('lead_id', '=', leadId)
    .where('product_id', '=', productId)
    .executeTakeFirst();
}
