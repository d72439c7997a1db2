// How request bodies are read (docs/API.md "Request bodies"). JSON is the API's language; form
// bodies are accepted on every route too, because ClinchPad clients send them (docs/CLINCHPAD-COMPAT.md),
// and a JSON document sent under a form or text content type is read as JSON. Every body is bounded
// in size (BODY_LIMIT) and nesting depth before anything walks it, so a hostile body stays cheap.
import type { FastifyInstance } from 'fastify';
import { coerceToSchema } from './coerce.ts';
import { containsNul } from './validation.ts';

/** Deeper JSON than this is refused with a 400 before it is parsed or validated. */
export const MAX_JSON_DEPTH = 32;

/** Form bodies, so the preValidation coercion knows which bodies arrived as text. */
export const formBodies = new WeakSet<object>();

const badRequest = (message: string) => Object.assign(new Error(message), { statusCode: 400 });
const unsupported = (message: string) => Object.assign(new Error(message), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });

/** The deepest nesting of arrays and objects in a JSON text, stopping early past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Parses a JSON body: empty is "no body"; too deep, invalid or holding NUL is a 400. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw badRequest(`Body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('Body is not valid JSON');
  }
  // PostgreSQL text cannot hold NUL: refuse it up front on both dialects (a 400, not a 500 later).
  if (text.includes('\\u0000') && containsNul(parsed)) throw badRequest('Body text must not contain NUL (\\u0000) characters');
  return parsed;
}

const looksLikeJson = (text: string) => /^\s*[{[]/.test(text);
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses `a=1&b=2`. A key repeated, or written `key[]`, gives a list. Values stay text: the route's
 * schema coerces them (coerce.ts).
 */
export function parseFormBody(text: string): unknown {
  if (looksLikeJson(text)) return parseJsonBody(text);
  if (text.trim() === '') return undefined;
  if (text.includes('%00') || text.includes('\u0000')) throw badRequest('Body text must not contain NUL characters');
  const body: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const listKey = rawKey.endsWith('[]');
    const key = listKey ? rawKey.slice(0, -2) : rawKey;
    if (UNSAFE_KEYS.has(key)) continue;
    const previous = body[key];
    if (previous === undefined) body[key] = listKey ? [value] : value;
    else body[key] = [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  formBodies.add(body);
  return body;
}

export function installBodyParsers(app: FastifyInstance, bodyLimit: number): void {
  const asText = (body: unknown) => (typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '');
  const options = { parseAs: 'string' as const, bodyLimit };
  app.addContentTypeParser('application/json', options, (_req, body, done) => {
    try {
      done(null, parseJsonBody(asText(body)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // Form and text bodies are for API clients only: the web UI's routes (/auth/login, …) keep
  // reading JSON alone, which a cross-site HTML form cannot send.
  const apiOnly = (url: string) => url.startsWith('/api/');
  app.addContentTypeParser('application/x-www-form-urlencoded', options, (req, body, done) => {
    if (!apiOnly(req.url)) return done(unsupported('Send a JSON body'), undefined);
    try {
      done(null, parseFormBody(asText(body)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // text/plain is what fetch() sends a string as: read it when it is JSON, else it means nothing here.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', options, (req, body, done) => {
    const text = asText(body);
    // Elsewhere text stays text, which no JSON schema accepts (a 400), as Fastify's own parser did.
    if (!apiOnly(req.url)) return done(null, text);
    if (text.trim() !== '' && !looksLikeJson(text)) return done(unsupported('Send JSON or form-urlencoded bodies, not text/plain'), undefined);
    try {
      done(null, parseJsonBody(text));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** A route's body schema; with per-content-type schemas (attachments), the JSON one. */
function bodySchemaOf(body: unknown): object | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const content = (body as { content?: Record<string, { schema?: object }> }).content;
  return content ? content['application/json']?.schema : body;
}

/** Before validation, coerces each body once to its route's schema (coerce.ts). */
export function installBodyCoercion(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = bodySchemaOf(request.routeOptions.schema?.body);
    if (!schema) return;
    const body = request.body;
    // No body at all is an empty object: `PUT /leads/:id/products/:pid` may omit every property.
    if (body === undefined || body === null) request.body = {};
    else request.body = coerceToSchema(schema, body, typeof body === 'object' && formBodies.has(body) ? 'form' : 'json');
  });
}
