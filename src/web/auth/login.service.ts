// Web login and password change, over the accounts module's hashes and sessions.
// Unknown email, a user without a password and a wrong password all give the same answer, and
// take about the same time (a dummy hash is verified when there is no user), so the login form
// does not reveal which emails have accounts.
import type { Kysely } from 'kysely';
import { credentialsChanged } from '../../accounts/api-key-cache.ts';
import { revokeKeysOfUser } from '../../accounts/api-keys.service.ts';
import { hashPassword, needsRehash, verifyPassword } from '../../accounts/passwords.ts';
import { createSession, deleteSession } from '../../accounts/sessions.ts';
import { AppError, invalid } from '../../shared/errors.ts';
import type { Schema } from '../../storage/schema.ts';

export const MIN_PASSWORD_LENGTH = 8;

let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword('not a real password, only for timing'));

export interface LoginResult {
  sessionId: string;
  csrfToken: string;
  expiresAt: number;
  user: { _id: string; name: string; email: string; role: 'admin' | 'member' };
}

export const wrongCredentials = () => new AppError('unauthorized', 'Wrong email or password');

/** At most this many accounts' users are tried for one email (each try costs a password hash). */
export const MAX_ACCOUNTS_PER_EMAIL = 5;

/**
 * Checks the credentials and opens a session; throws `unauthorized` on any mismatch. One email may
 * have a user in several accounts: the password is tried against each of them, oldest first, and the
 * first match is logged in (docs/SECURITY.md, "Login"). Disabled users never match. A match whose
 * hash is not the current argon2id is re-hashed.
 */
export async function logIn(db: Kysely<Schema>, email: string, password: string, now: Date): Promise<LoginResult> {
  const users = await db
    .selectFrom('users')
    .select(['id', 'account_id', 'name', 'email', 'role', 'password_hash', 'disabled'])
    .where('email', '=', email.trim().toLowerCase())
    .orderBy('created_at')
    .orderBy('id')
    .limit(MAX_ACCOUNTS_PER_EMAIL)
    .execute();
  const candidates = users.filter((u) => u.password_hash !== null);
  if (candidates.length === 0) {
    await verifyPassword(password, await dummy());
    throw wrongCredentials();
  }
  for (const user of candidates) {
    const stored = user.password_hash!;
    if (!(await verifyPassword(password, stored)) || user.disabled === 1) continue;
    if (needsRehash(stored)) {
      const upgraded = await hashPassword(password);
      await db.updateTable('users').set({ password_hash: upgraded }).where('id', '=', user.id).where('password_hash', '=', stored).execute();
    }
    const session = await createSession(db, user, now);
    return { ...session, user: { _id: user.id, name: user.name, email: user.email, role: user.role } };
  }
  throw wrongCredentials();
}

export async function logOut(db: Kysely<Schema>, sessionId: string): Promise<void> {
  await deleteSession(db, sessionId);
}

/**
 * Replaces the user's password after checking the current one, and ends every other session of
 * the user (a changed password should lock out whoever else was logged in). API keys keep working
 * unless `revokeKeys` is set (docs/SECURITY.md: keys are for scripts, not for the person).
 */
export async function changePassword(
  db: Kysely<Schema>,
  user: { accountId: string; userId: string; sessionIdHash: string },
  current: string,
  next: string,
  now: Date,
  revokeKeys = false,
): Promise<void> {
  if (next.length < MIN_PASSWORD_LENGTH) {
    throw invalid(`The new password needs at least ${MIN_PASSWORD_LENGTH} characters`, [
      { field: 'new_password', message: `at least ${MIN_PASSWORD_LENGTH} characters` },
    ]);
  }
  const row = await db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', user.userId)
    .where('account_id', '=', user.accountId)
    .executeTakeFirst();
  if (!row?.password_hash || !(await verifyPassword(current, row.password_hash))) {
    throw invalid('The current password is wrong', [{ field: 'current_password', message: 'wrong password' }]);
  }
  const hash = await hashPassword(next);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', user.userId).execute();
    await trx
      .deleteFrom('sessions')
      .where('user_id', '=', user.userId)
      .where('id_hash', '!=', user.sessionIdHash)
      .execute();
    if (revokeKeys) await revokeKeysOfUser(trx, user.accountId, user.userId, now);
  });
  if (revokeKeys) credentialsChanged();
}
