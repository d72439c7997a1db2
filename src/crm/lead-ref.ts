// Things on a lead embed their lead as `{_id, name}` (docs/SPEC.md §7: related objects are embedded).
import type { LeadRow } from '../storage/schema.ts';

export interface LeadRef {
  _id: string;
  name: string;
}

export const leadRef = (lead: Pick<LeadRow, 'id' | 'name'>): LeadRef => ({ _id: lead.id, name: lead.name });
