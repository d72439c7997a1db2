// Listing and revoking API keys, and noting when a key was last used. Admins see every key of their
// account; members see and manage only their own (docs/SECURITY.md, "Keys and users").
import type { Kysely } from 'kysely';
import { isoSeconds } from '../shared/clock.ts';
import { forbidden, notFound } from '../shared/errors.ts';
import type { ApiKeyRow, Schema } from '../storage/schema.ts';
import { credentialsChanged } from './api-key-cache.ts';

export interface ApiKeyView {
  _id: string;
  name: string;
  prefix: string;
  user: { _id: string; name: string };
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface KeyCaller {
  accountId: string;
  userId: string;
  role: 'admin' | 'member';
}

/** `last_used_at` is written at most once per key per this interval, so a busy key costs no extra writes. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const time = (ms: number | null) => (ms === null ? null : isoSeconds(new Date(ms)));

export function toApiKeyView(row: ApiKeyRow, userName: string): ApiKeyView {
  return {
    _id: row.id,
    name: row.name,
    prefix: row.prefix.slice(0, 8),
    user: { _id: row.user_id, name: userName },
    created_at: isoSeconds(new Date(row.created_at)),
    last_used_at: time(row.last_used_at),
    revoked_at: time(row.revoked_at),
  };
}

export async function listApiKeys(db: Kysely<Schema>, caller: KeyCaller): Promise<ApiKeyView[]> {
  let query = db
    .selectFrom('api_keys')
    .innerJoin('users', (join) => join.onRef('users.id', '=', 'api_keys.user_id').onRef('users.account_id', '=', 'api_keys.account_id'))
    .selectAll('api_keys')
    .select('users.name as user_name')
    .where('api_keys.account_id', '=', caller.accountId);
  if (caller.role !== 'admin') query = query.where('api_keys.user_id', '=', caller.userId);
  const rows = await query.orderBy('api_keys.id').execute();
  return rows.map(({ user_name, ...row }) => toApiKeyView(row, user_name));
}

/** Revokes a key of the caller's account (members: their own keys only); it is refused from now on. */
export async function revokeApiKey(db: Kysely<Schema>, caller: KeyCaller, keyId: string, now: Date): Promise<void> {
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'user_id', 'revoked_at'])
    .where('account_id', '=', caller.accountId)
    .where('id', '=', keyId)
    .executeTakeFirst();
  if (!row || (caller.role !== 'admin' && row.user_id !== caller.userId)) throw notFound('API key');
  if (row.revoked_at !== null) return;
  await db.updateTable('api_keys').set({ revoked_at: now.getTime() }).where('id', '=', row.id).execute();
  credentialsChanged();
}

/** Revokes every key of the user; call `credentialsChanged()` once `db`'s transaction has committed. */
export async function revokeKeysOfUser(db: Kysely<Schema>, accountId: string, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ revoked_at: now.getTime() })
    .where('user_id', '=', userId)
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Members may create keys for themselves only. */
export function checkKeyOwner(caller: KeyCaller, userId: string): void {
  if (caller.role !== 'admin' && userId !== caller.userId) throw forbidden('Members may create API keys for themselves only');
}

/** Records a use of the key, unless one was recorded less than LAST_USED_RESOLUTION_MS ago; true if it wrote. */
export async function touchApiKey(db: Kysely<Schema>, key: { id: string; last_used_at: number | null }, now: Date): Promise<boolean> {
  if (key.last_used_at !== null && now.getTime() - key.last_used_at < LAST_USED_RESOLUTION_MS) return false;
  await db.updateTable('api_keys').set({ last_used_at: now.getTime() }).where('id', '=', key.id).execute();
  return true;
}
