// Request validation with Ajv. Bodies are validated strictly (no type coercion by Ajv: "5" is
// not a number, null stays null); the unambiguous coercions a client may rely on happen before,
// driven by the route's schema (coerce.ts). Query strings and params are coerced by Ajv, since
// they arrive as text. Unknown body properties are dropped where a schema says
// additionalProperties: false.
//
// Bounded cost: each value is first checked by a validator that stops at the first problem. Only
// when that fails, and the input is small, a second validator collects every problem, so a huge
// invalid body costs one early-stopping pass and its answer lists at most MAX_REPORTED_PROBLEMS.
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

/** An error answer lists at most this many problems (and says how many were found). */
export const MAX_REPORTED_PROBLEMS = 10;
/** Inputs whose JSON text is longer than this get the first problem only. */
const FULL_REPORT_MAX_CHARS = 16 * 1024;

const common: Options = { removeAdditional: true, useDefaults: true, strict: false };

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

function twoPass(first: ValidateFunction, full: () => ValidateFunction): Validator {
  const validate: Validator = (data: unknown) => {
    if (first(data)) {
      validate.errors = null;
      return true;
    }
    let small = false;
    try {
      small = (JSON.stringify(data)?.length ?? 0) <= FULL_REPORT_MAX_CHARS;
    } catch {
      small = false;
    }
    const thorough = full();
    validate.errors = (small && !thorough(data) && thorough.errors ? thorough.errors : first.errors) ?? null;
    return false;
  };
  return validate;
}

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const make = (allErrors: boolean, coerceTypes: boolean | 'array') => addFormats(new Ajv({ ...common, allErrors, coerceTypes }));
  const ajv = {
    strict: { first: make(false, false), full: make(true, false) },
    coercing: { first: make(false, 'array'), full: make(true, 'array') },
  };
  return ({ schema, httpPart }) => {
    const pair = httpPart === 'body' ? ajv.strict : ajv.coercing;
    let full: ValidateFunction | undefined;
    const first = pair.first.compile(schema as object);
    return twoPass(first, () => (full ??= pair.full.compile(schema as object))) as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}

/** True when a parsed JSON value has a NUL character in any string or key. */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => key.includes('\u0000') || containsNul(item));
  }
  return false;
}
