// Liberal acceptance of request bodies (docs/API.md "Request bodies"): before validation, a body is
// coerced to its route's JSON Schema where the meaning is unambiguous, so that validation itself
// stays strict and every route behaves alike.
//   JSON and form bodies: a numeric string ("1500") where the schema wants a number and no string.
//   Form bodies only (every value arrives as text): "true"/"false"/"1"/"0" where it wants a
//   boolean, "" where it allows null (a form cannot send null), one value where it wants a list.
// Anything else is left as it came, for validation to refuse with the field's name.

export type BodySource = 'json' | 'form';

interface Schema {
  type?: string | string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  items?: Schema;
  const?: unknown;
}

const NUMERIC = /^\s*-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };

/** The primitive types a schema accepts (an empty set means "anything / not a primitive"). */
function typesOf(schema: Schema): Set<string> {
  const types = new Set<string>();
  const add = (s: Schema) => {
    if (typeof s.type === 'string') types.add(s.type);
    else if (Array.isArray(s.type)) s.type.forEach((t) => types.add(t));
    for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) add(branch);
  };
  add(schema);
  return types;
}

/** Every object schema that describes one value (through allOf / anyOf). */
function objectSchemas(schema: Schema): Schema[] {
  const found: Schema[] = [];
  const walk = (s: Schema) => {
    if (s.properties) found.push(s);
    for (const branch of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) walk(branch);
  };
  walk(schema);
  return found;
}

function arrayItems(schema: Schema): Schema | undefined {
  if (schema.items) return schema.items;
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    const items = arrayItems(branch);
    if (items) return items;
  }
  return undefined;
}

function coerceScalar(schema: Schema, value: string, source: BodySource): unknown {
  const types = typesOf(schema);
  if (types.has('string')) return source === 'form' && value === '' && types.has('null') ? null : value;
  if ((types.has('number') || types.has('integer')) && NUMERIC.test(value)) {
    const number = Number(value);
    if (Number.isFinite(number)) return number;
  }
  if (source === 'form') {
    if (types.has('boolean') && value in BOOLEANS) return BOOLEANS[value];
    if (types.has('null') && value === '') return null;
  }
  return value;
}

/** Returns the body coerced to `schema` (objects are coerced in place and returned). */
export function coerceToSchema(schema: Schema, value: unknown, source: BodySource): unknown {
  if (typeof value === 'string') {
    const items = source === 'form' && typesOf(schema).has('array') ? arrayItems(schema) : undefined;
    if (items) return [coerceScalar(items, value, source)];
    return coerceScalar(schema, value, source);
  }
  if (Array.isArray(value)) {
    const items = arrayItems(schema);
    return items ? value.map((item) => coerceToSchema(items, item, source)) : value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const objectSchema of objectSchemas(schema)) {
      for (const [key, propertySchema] of Object.entries(objectSchema.properties ?? {})) {
        if (Object.hasOwn(record, key)) record[key] = coerceToSchema(propertySchema, record[key], source);
      }
    }
  }
  return value;
}
