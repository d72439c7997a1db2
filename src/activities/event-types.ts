// `GET /event-types`: every type with its description, fields, an example webhook payload in
// the shape of docs/SPEC.md §3 and the JSON Schema of that body, all derived from the catalogue.
import { ACTIVITY_CATALOGUE, ACTIVITY_TYPES, type ActivityChange, type FieldSpec } from './catalogue.ts';
import { eventSchema, type JsonSchema } from './event-schemas.ts';
import { buildActivityObject, type LeadSnapshot } from './payload.ts';

export interface EventType {
  type: string;
  description: string;
  fields: FieldSpec[];
  example: { activity: Record<string, unknown>; lead: LeadSnapshot };
  /** JSON Schema (2020-12) of the webhook body of this type. */
  schema: JsonSchema;
}

const EXAMPLE_TIME = new Date(Date.UTC(2026, 0, 10, 9, 37, 58));
const EXAMPLE_USER = { _id: '52cf8c0acce8b4c375000001', name: 'Webhook Testing', photo_url: null };
export const EXAMPLE_LEAD: LeadSnapshot = {
  _id: '52cfa124cce8b4d113000056',
  name: 'Webhook T',
  stage: { _id: '52cf8c0bcce8b4c37500000c', name: 'Offer' },
  pipe: { _id: '52cf8c0bcce8b4c375000008', name: 'Default' },
};

export function describeEventTypes(): EventType[] {
  return ACTIVITY_TYPES.map((type) => {
    const spec = ACTIVITY_CATALOGUE[type];
    const change = { type, fields: spec.example } as ActivityChange;
    return {
      type,
      description: spec.description,
      fields: spec.fields,
      example: { activity: buildActivityObject('52cfbf76cce8b40f0f000005', EXAMPLE_TIME, change, EXAMPLE_USER), lead: EXAMPLE_LEAD },
      schema: eventSchema(type),
    };
  });
}
