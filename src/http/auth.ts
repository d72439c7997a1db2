// Who is calling: an API key (HTTP Basic with username `api-key`, as ClinchPad, or Bearer) or a
// web session cookie with its CSRF token on state-changing requests (docs/SECURITY.md, "Keys and users"). Revoked keys and
// disabled users are refused from the next request; a key's lookup is cached for a moment
// (api-key-cache.ts), and a change made in another process is seen within API_KEY_CACHE_TTL_MS.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { createKeyCache } from '../accounts/api-key-cache.ts';
import { hashSecret } from '../accounts/api-keys.ts';
import { touchApiKey } from '../accounts/api-keys.service.ts';
import { SESSION_COOKIE, findSession } from '../accounts/sessions.ts';
import type { Actor } from '../activities/recorder.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError, forbidden } from '../shared/errors.ts';
import type { Schema } from '../storage/schema.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

/** The API key in the Authorization header, or undefined. */
export function apiKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return decoded.slice(0, colon) === 'api-key' ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createAuthenticator(db: Kysely<Schema>, clock: Clock) {
  async function loadActor(accountId: string, userId: string): Promise<Actor | undefined> {
    const user = await db
      .selectFrom('users')
      .select(['id', 'name', 'email', 'photo_url', 'role'])
      .where('id', '=', userId)
      .where('account_id', '=', accountId)
      .where('disabled', '=', 0)
      .executeTakeFirst();
    if (!user) return undefined;
    return { accountId, user: { _id: user.id, name: user.name, email: user.email, photo_url: user.photo_url, role: user.role } };
  }

  const keys = createKeyCache<{ actor: Actor; key: { id: string; last_used_at: number | null } }>(clock);

  async function byApiKey(key: string): Promise<Actor | undefined> {
    const hash = hashSecret(key);
    const found = keys.get(hash) ?? (await keys.load(hash, () => lookUpKey(hash)));
    if (!found) return undefined;
    const now = clock.now();
    // The cached entry remembers the last write, so `last_used_at` stays at most once a minute.
    if (await touchApiKey(db, found.key, now)) found.key.last_used_at = now.getTime();
    return found.actor;
  }

  async function lookUpKey(hash: string) {
    const row = await db
      .selectFrom('api_keys')
      .innerJoin('users', (join) => join.onRef('users.id', '=', 'api_keys.user_id').onRef('users.account_id', '=', 'api_keys.account_id'))
      .select(['users.account_id', 'users.id', 'users.name', 'users.email', 'users.photo_url', 'users.role'])
      .select(['api_keys.id as key_id', 'api_keys.last_used_at'])
      .where('api_keys.key_hash', '=', hash)
      .where('api_keys.revoked_at', 'is', null)
      .where('users.disabled', '=', 0)
      .executeTakeFirst();
    if (!row) return undefined;
    const actor: Actor = { accountId: row.account_id, user: { _id: row.id, name: row.name, email: row.email, photo_url: row.photo_url, role: row.role } };
    return { actor, key: { id: row.key_id, last_used_at: row.last_used_at } };
  }

  async function bySession(request: FastifyRequest): Promise<Actor | undefined> {
    const sessionId = request.cookies?.[SESSION_COOKIE];
    if (!sessionId) return undefined;
    const session = await findSession(db, sessionId, clock.now());
    if (!session) return undefined;
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameText(sent, session.csrf_token)) {
        throw new AppError('forbidden', 'Missing or wrong CSRF token (x-csrf-token header)');
      }
    }
    return loadActor(session.account_id, session.user_id);
  }

  /** onRequest hook: sets request.actor or answers 401. */
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const key = apiKeyOf(request);
    const actor = key !== undefined ? await byApiKey(key) : await bySession(request);
    if (!actor) {
      throw new AppError(
        'unauthorized',
        key !== undefined ? 'Unknown API key' : 'Authenticate with HTTP Basic (api-key:<key>), a Bearer key or a session',
      );
    }
    request.actor = actor;
  };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function requireAdmin(actor: Actor): void {
  if (actor.user.role !== 'admin') throw forbidden();
}
