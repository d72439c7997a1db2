// Products as ClinchPad lists them: the catalogue item plus `leads[{_id, name}]`, the leads it is on.
import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.ts';
import type { CatalogueItem } from './catalogue-specs.ts';

/** A product lists at most this many of its leads (the most recently linked first). */
export const MAX_LISTED_LEADS = 100;

export async function withLeads(db: Kysely<Schema>, accountId: string, products: CatalogueItem[]): Promise<CatalogueItem[]> {
  const result: CatalogueItem[] = [];
  for (const product of products) {
    const leads = await db
      .selectFrom('lead_products as link')
      .innerJoin('leads', 'leads.id', 'link.lead_id')
      .select(['leads.id', 'leads.name'])
      .where('link.account_id', '=', accountId)
      .where('link.product_id', '=', product._id)
      .orderBy('link.created_at', 'desc')
      .orderBy('leads.id')
      .limit(MAX_LISTED_LEADS)
      .execute();
    result.push({ ...product, leads: leads.map((l) => ({ _id: l.id, name: l.name })) });
  }
  return result;
}
