// Changing and removing users (admin). An account always keeps at least one enabled admin; a
// disabled or removed user's API keys and sessions stop working at once (docs/SECURITY.md).
import type { Kysely } from 'kysely';
import { AppError } from '../shared/errors.ts';
import type { Schema, UserRow } from '../storage/schema.ts';
import { credentialsChanged } from './api-key-cache.ts';
import { getUserRow } from './users.ts';

export interface UserChange {
  name?: string | undefined;
  role?: 'admin' | 'member' | undefined;
  disabled?: boolean | undefined;
  photo_url?: string | null | undefined;
}

const lastAdmin = () => new AppError('conflict', 'An account must keep at least one enabled admin');

/** Serialises admin changes of one account (two admins demoting each other at once must not both pass). */
async function lockAccount(db: Kysely<Schema>, accountId: string): Promise<void> {
  await db.updateTable('accounts').set((eb) => ({ name: eb.ref('name') })).where('id', '=', accountId).execute();
}

async function otherEnabledAdmins(db: Kysely<Schema>, accountId: string, userId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .where('id', '!=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateUser(db: Kysely<Schema>, accountId: string, userId: string, change: UserChange): Promise<UserRow> {
  const updated = await db.transaction().execute(async (trx) => {
    await lockAccount(trx, accountId);
    const user = await getUserRow(trx, accountId, userId);
    const set: Partial<UserRow> = {};
    if (change.name !== undefined) set.name = change.name;
    if (change.role !== undefined) set.role = change.role;
    if (change.disabled !== undefined) set.disabled = change.disabled ? 1 : 0;
    if (change.photo_url !== undefined) set.photo_url = change.photo_url;
    const stillAdmin = (set.role ?? user.role) === 'admin' && (set.disabled ?? user.disabled) === 0;
    const wasAdmin = user.role === 'admin' && user.disabled === 0;
    if (wasAdmin && !stillAdmin && (await otherEnabledAdmins(trx, accountId, userId)) === 0) throw lastAdmin();
    if (Object.keys(set).length > 0) await trx.updateTable('users').set(set).where('id', '=', userId).execute();
    // Keys are checked against `users.disabled` on every call; sessions are ended outright.
    if (set.disabled === 1) await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    return { ...user, ...set };
  });
  // The name, role and disabled flag are part of what a cached API key stands for.
  credentialsChanged();
  return updated;
}

/** Removes the user with their keys and sessions; their leads keep their data but lose their owner. */
export async function removeUser(db: Kysely<Schema>, accountId: string, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockAccount(trx, accountId);
    const user = await getUserRow(trx, accountId, userId);
    if (user.role === 'admin' && user.disabled === 0 && (await otherEnabledAdmins(trx, accountId, userId)) === 0) throw lastAdmin();
    await trx.deleteFrom('api_keys').where('user_id', '=', userId).where('account_id', '=', accountId).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).where('account_id', '=', accountId).execute();
    await trx.deleteFrom('password_resets').where('user_id', '=', userId).execute();
    await trx.deleteFrom('users').where('id', '=', userId).where('account_id', '=', accountId).execute();
  });
  credentialsChanged();
}
