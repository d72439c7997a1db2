// Catalogue use cases (contacts, products, zones, sources). These are changes outside a lead, so
// they record no activity (docs/SPEC.md §2) — including deleting an item that is linked to leads: the
// links are removed silently with it (see docs/API.md).
import type { Kysely } from 'kysely';
import { newId } from '../shared/ids.ts';
import type { Schema } from '../storage/schema.ts';
import {
  deleteCatalogueRow,
  getCatalogueRow,
  insertCatalogueRow,
  listCatalogueRows,
  updateCatalogueRow,
} from './catalogue.repository.ts';
import { toCatalogueItem, type CatalogueItem, type CatalogueName, type CatalogueRows } from './catalogue-specs.ts';

/** The client-settable columns of a catalogue: everything but the id, account and time. */
export type CatalogueInput<N extends CatalogueName> = Omit<CatalogueRows[N], 'id' | 'account_id' | 'created_at'>;

export async function listCatalogue(db: Kysely<Schema>, table: CatalogueName, accountId: string, limit: number, offset: number): Promise<CatalogueItem[]> {
  return (await listCatalogueRows(db, table, accountId, limit, offset)).map(toCatalogueItem);
}

export async function getCatalogueItem(db: Kysely<Schema>, table: CatalogueName, accountId: string, id: string): Promise<CatalogueItem> {
  return toCatalogueItem(await getCatalogueRow(db, table, accountId, id));
}

export async function createCatalogueItem<N extends CatalogueName>(
  db: Kysely<Schema>,
  table: N,
  accountId: string,
  input: CatalogueInput<N>,
  now: Date,
): Promise<CatalogueItem> {
  const row = { ...input, id: newId(now), account_id: accountId, created_at: now.getTime() } as CatalogueRows[N];
  await insertCatalogueRow(db, table, row);
  return toCatalogueItem(row);
}

export async function updateCatalogueItem<N extends CatalogueName>(
  db: Kysely<Schema>,
  table: N,
  accountId: string,
  id: string,
  input: Partial<CatalogueInput<N>>,
): Promise<CatalogueItem> {
  const row = await getCatalogueRow(db, table, accountId, id);
  // Unknown properties are stripped by validation, so a body may arrive empty: nothing to write.
  if (Object.keys(input).length > 0) await updateCatalogueRow(db, table, id, input as Partial<CatalogueRows[N]>);
  return toCatalogueItem({ ...row, ...input });
}

/** Deletes the item and unlinks it from every lead, without activities. */
export async function deleteCatalogueItem(db: Kysely<Schema>, table: CatalogueName, accountId: string, id: string): Promise<void> {
  await getCatalogueRow(db, table, accountId, id);
  await deleteCatalogueRow(db, table, id);
}
