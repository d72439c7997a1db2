// Web UI sessions: a random id in an HttpOnly cookie, stored as its sha256 with a CSRF token that
// every state-changing request must echo in the `x-csrf-token` header.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema, SessionRow } from '../storage/schema.ts';
import { hashSecret } from './api-keys.ts';

export const SESSION_COOKIE = 'lh_session';
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export async function createSession(
  db: Kysely<Schema>,
  user: { id: string; account_id: string },
  now: Date,
): Promise<{ sessionId: string; csrfToken: string; expiresAt: number }> {
  const sessionId = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = now.getTime() + SESSION_TTL_MS;
  await db
    .insertInto('sessions')
    .values({
      id_hash: hashSecret(sessionId),
      account_id: user.account_id,
      user_id: user.id,
      csrf_token: csrfToken,
      created_at: now.getTime(),
      expires_at: expiresAt,
    })
    .execute();
  return { sessionId, csrfToken, expiresAt };
}

export async function findSession(db: Kysely<Schema>, sessionId: string, now: Date): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('id_hash', '=', hashSecret(sessionId))
    .where('expires_at', '>', now.getTime())
    .executeTakeFirst();
}

export async function deleteSession(db: Kysely<Schema>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', hashSecret(sessionId)).execute();
}
