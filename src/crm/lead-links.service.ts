// Linking contacts, zones and sources to a lead (PUT/DELETE /leads/:id/<catalogue>/:itemId).
// Linking an item that is already linked changes nothing and records nothing; unlinking one that
// is not linked answers 404.
import type { Kysely } from 'kysely';
import type { Actor, Tx } from '../activities/recorder.ts';
import { notFound } from '../shared/errors.ts';
import type { Schema } from '../storage/schema.ts';
import { getCatalogueRow } from './catalogue.repository.ts';
import { CATALOGUE_LABELS, SIMPLE_LINKS, toCatalogueItem, type CatalogueItem, type SimpleCatalogue } from './catalogue-specs.ts';
import { getLeadRow } from './leads.repository.ts';

/** The items linked to a lead, in the order they were linked. */
export async function listLinkedItems(
  db: Kysely<Schema>,
  table: SimpleCatalogue,
  accountId: string,
  leadId: string,
  limit: number,
  offset: number,
): Promise<CatalogueItem[]> {
  await getLeadRow(db, accountId, leadId);
  // Aliases let one typed query serve the three link tables (typed as the zones pair).
  const link = SIMPLE_LINKS[table].table;
  const rows = await db
    .selectFrom(`${link} as link` as 'lead_zones as link')
    .innerJoin(`${table} as item` as 'zones as item', 'item.id', 'link.target_id')
    .selectAll('item')
    .where('link.lead_id', '=', leadId)
    .where('link.account_id', '=', accountId)
    .orderBy('link.created_at')
    .orderBy('item.id')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map(toCatalogueItem);
}

export async function linkItem(tx: Tx, actor: Actor, table: SimpleCatalogue, leadId: string, itemId: string): Promise<CatalogueItem> {
  await getLeadRow(tx.db, actor.accountId, leadId);
  const item = await getCatalogueRow(tx.db, table, actor.accountId, itemId);
  const link = SIMPLE_LINKS[table];
  const existing = await tx.db
    .selectFrom(link.table)
    .select('target_id')
    .where('lead_id', '=', leadId)
    .where('target_id', '=', itemId)
    .executeTakeFirst();
  if (!existing) {
    await tx.db
      .insertInto(link.table)
      .values({ account_id: actor.accountId, lead_id: leadId, target_id: itemId, created_at: tx.now.getTime() })
      .execute();
    await tx.record(actor, leadId, [link.added(item.name)]);
  }
  return toCatalogueItem(item);
}

export async function unlinkItem(tx: Tx, actor: Actor, table: SimpleCatalogue, leadId: string, itemId: string): Promise<void> {
  await getLeadRow(tx.db, actor.accountId, leadId);
  const item = await getCatalogueRow(tx.db, table, actor.accountId, itemId);
  const link = SIMPLE_LINKS[table];
  const removed = await tx.db
    .deleteFrom(link.table)
    .where('lead_id', '=', leadId)
    .where('target_id', '=', itemId)
    .executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0) throw notFound(`${CATALOGUE_LABELS[table]} on this lead`);
  await tx.record(actor, leadId, [link.removed(item.name)]);
}
