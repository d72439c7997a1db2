// The four account catalogues that leads link to (docs/SPEC.md §1): contacts, products, zones and
// sources. They share one shape — an account-scoped row with a name — so one table of specs drives
// one generic repository, service and set of routes instead of four copies.
import type { ActivityChange } from '../activities/catalogue.ts';
import { isoSeconds } from '../shared/clock.ts';
import type { ContactRow, NamedRow, ProductRow } from '../storage/schema.ts';

export interface CatalogueRows {
  contacts: ContactRow;
  products: ProductRow;
  zones: NamedRow;
  sources: NamedRow;
}
export type CatalogueName = keyof CatalogueRows;
export type CatalogueRow = CatalogueRows[CatalogueName];

export const CATALOGUE_NAMES: CatalogueName[] = ['contacts', 'products', 'zones', 'sources'];

/** Singular, for messages such as "Contact not found". */
export const CATALOGUE_LABELS: Record<CatalogueName, string> = {
  contacts: 'Contact',
  products: 'Product',
  zones: 'Zone',
  sources: 'Source',
};

/** Contacts, zones and sources link to a lead without data of their own. */
export type SimpleCatalogue = Exclude<CatalogueName, 'products'>;
export type SimpleLinkTable = 'lead_contacts' | 'lead_zones' | 'lead_sources';

export interface SimpleLink {
  table: SimpleLinkTable;
  added(name: string): ActivityChange;
  removed(name: string): ActivityChange;
}

/** Products link with a quantity and a price: see lead-products.service.ts. */
export const SIMPLE_LINKS: Record<SimpleCatalogue, SimpleLink> = {
  contacts: {
    table: 'lead_contacts',
    added: (contact_name) => ({ type: 'contact:added', fields: { contact_name } }),
    removed: (contact_name) => ({ type: 'contact:removed', fields: { contact_name } }),
  },
  zones: {
    table: 'lead_zones',
    added: (zone_name) => ({ type: 'zone:added', fields: { zone_name } }),
    removed: (zone_name) => ({ type: 'zone:removed', fields: { zone_name } }),
  },
  sources: {
    table: 'lead_sources',
    added: (source_name) => ({ type: 'source:added', fields: { source_name } }),
    removed: (source_name) => ({ type: 'source:removed', fields: { source_name } }),
  },
};

/** The public shape: every column but `account_id`, with `_id` and an ISO `created_at`. */
export type CatalogueItem = { _id: string; name: string; created_at: string } & Record<string, unknown>;

export function toCatalogueItem(row: CatalogueRow): CatalogueItem {
  const { id, account_id: _account, created_at, ...rest } = row;
  return { _id: id, ...rest, created_at: isoSeconds(new Date(created_at)) };
}
