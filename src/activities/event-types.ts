// `GET /event-types`: every type with its description, fields, an example webhook payload in
// the shape of docs/SPEC.md §3 and the JSON Schema of that body, all derived from the catalogue.
import { ACTIVITY_CATALOGUE, ACTIVITY_TYPES, type ActivityChange, type ActivityType, type FieldSpec } from './catalogue.ts';
import { eventSchema, type JsonSchema } from './event-schemas.ts';
import { buildActivityObject, type ActivityUser, type LeadSnapshot } from './payload.ts';

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

/**
 * The catalogue's example `activity` of a type: the type's example fields, with the given id, time
 * and user. `GET /event-types` shows it; "Send example" (POST /webhooks/:id/test {type}) sends it.
 */
export function exampleActivity(type: ActivityType, id: string, at: Date, user: ActivityUser): Record<string, unknown> {
  const change = { type, fields: ACTIVITY_CATALOGUE[type].example } as ActivityChange;
  return buildActivityObject(id, at, change, user);
}

export function describeEventTypes(): EventType[] {
  return ACTIVITY_TYPES.map((type) => {
    const spec = ACTIVITY_CATALOGUE[type];
    return {
      type,
      description: spec.description,
      fields: spec.fields,
      example: { activity: exampleActivity(type, '52cfbf76cce8b40f0f000005', EXAMPLE_TIME, EXAMPLE_USER), lead: EXAMPLE_LEAD },
      schema: eventSchema(type),
    };
  });
}
