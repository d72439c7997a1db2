// A JSON Schema (draft 2020-12) for the webhook body of each type, generated from the catalogue
// (docs/RECEIVING.md). Served by `GET /event-types` and shipped in the receiver kit; it must stay
// free of runtime imports other than the catalogue, because the kit bundles it.
import { ACTIVITY_CATALOGUE, ACTIVITY_TYPES, type ActivityType, type FieldSpec } from './catalogue.ts';

export const TEST_EVENT_TYPE = 'webhook:test';
export type JsonSchema = Record<string, unknown>;

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const ID = { type: 'string', pattern: '^[0-9a-f]{24}$' };
/** Whole seconds in UTC with `Z`, as leadhook writes every time. */
const TIME = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$' };
const NAMED = { type: 'object', properties: { _id: ID, name: { type: 'string' } }, required: ['_id', 'name'], additionalProperties: false };
const USER = {
  type: 'object',
  properties: { _id: ID, name: { type: 'string' }, photo_url: { type: ['string', 'null'] } },
  required: ['_id', 'name', 'photo_url'],
  additionalProperties: false,
};
const LEAD = {
  type: 'object',
  properties: { _id: ID, name: { type: 'string' }, stage: NAMED, pipe: NAMED },
  required: ['_id', 'name', 'stage', 'pipe'],
  additionalProperties: false,
};

function bodySchema(type: string, description: string, extra: Record<string, unknown>, extraRequired: string[]): JsonSchema {
  return {
    $schema: DRAFT,
    $id: `urn:leadhook:event:${type}`,
    title: type,
    description,
    type: 'object',
    properties: {
      activity: {
        type: 'object',
        properties: { _id: ID, created_at: TIME, ...extra, type: { const: type }, user: USER },
        required: ['_id', 'created_at', ...extraRequired, 'type', 'user'],
        additionalProperties: false,
      },
      lead: LEAD,
      handshake_key: { type: 'string', description: 'present only when the webhook has a handshake key' },
    },
    required: ['activity', 'lead'],
    additionalProperties: false,
  };
}

const fieldSchema = (field: FieldSpec) => ({ type: field.kind });

/** The body schema of one of the 33 activity types. */
export function eventSchema(type: ActivityType): JsonSchema {
  const spec = ACTIVITY_CATALOGUE[type];
  const properties = Object.fromEntries(spec.fields.map((field) => [field.name, fieldSchema(field)]));
  const required = spec.fields.filter((field) => !field.optional).map((field) => field.name);
  return bodySchema(type, spec.description, properties, required);
}

/** The body schema of `webhook:test` (sent by `POST /webhooks/:id/test`). */
export function testEventSchema(): JsonSchema {
  return bodySchema(
    TEST_EVENT_TYPE,
    'A test request; it does not describe a real change',
    { test: { const: true }, message: { type: 'string' } },
    ['test', 'message'],
  );
}

/** Every type's schema, keyed by type: the 33 activity types, then `webhook:test`. */
export function allEventSchemas(): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  for (const type of ACTIVITY_TYPES) schemas[type] = eventSchema(type);
  schemas[TEST_EVENT_TYPE] = testEventSchema();
  return schemas;
}
