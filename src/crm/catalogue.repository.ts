// SQL for the four catalogues, scoped to one account. The tables share `id, account_id, name,
// created_at`; the queries are written once against that common part (typed as `zones`, the
// table with nothing else) and the rows are returned as the caller's table type.
import type { Kysely } from 'kysely';
import { notFound } from '../shared/errors.ts';
import type { Schema } from '../storage/schema.ts';
import { CATALOGUE_LABELS, SIMPLE_LINKS, type CatalogueName, type CatalogueRows } from './catalogue-specs.ts';

const common = (table: CatalogueName) => table as 'zones';

export async function getCatalogueRow<N extends CatalogueName>(
  db: Kysely<Schema>,
  table: N,
  accountId: string,
  id: string,
): Promise<CatalogueRows[N]> {
  const row = await db
    .selectFrom(common(table))
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound(CATALOGUE_LABELS[table]);
  return row as CatalogueRows[N];
}

export async function listCatalogueRows<N extends CatalogueName>(
  db: Kysely<Schema>,
  table: N,
  accountId: string,
  limit: number,
  offset: number,
): Promise<Array<CatalogueRows[N]>> {
  const rows = await db
    .selectFrom(common(table))
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('name')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows as Array<CatalogueRows[N]>;
}

export async function insertCatalogueRow<N extends CatalogueName>(db: Kysely<Schema>, table: N, row: CatalogueRows[N]): Promise<void> {
  await db.insertInto(common(table)).values(row).execute();
}

export async function updateCatalogueRow<N extends CatalogueName>(
  db: Kysely<Schema>,
  table: N,
  id: string,
  set: Partial<CatalogueRows[N]>,
): Promise<void> {
  await db.updateTable(common(table)).set(set).where('id', '=', id).execute();
}

/** Deletes the item and every link of it to a lead. */
export async function deleteCatalogueRow(db: Kysely<Schema>, table: CatalogueName, id: string): Promise<void> {
  if (table === 'products') await db.deleteFrom('lead_products').where('product_id', '=', id).execute();
  else await db.deleteFrom(SIMPLE_LINKS[table].table).where('target_id', '=', id).execute();
  await db.deleteFrom(common(table)).where('id', '=', id).execute();
}
