// Re-authentication before a sensitive read (revealing a webhook's signing secret): the acting user
// types their own password again, so a session left open or a stolen cookie is not enough.
import type { Kysely } from 'kysely';
import { invalid } from '../shared/errors.ts';
import type { Schema } from '../storage/schema.ts';
import { verifyPassword } from './passwords.ts';

/**
 * Resolves when `password` is the user's; else a 400 naming the `password` field (not a 401, which
 * would read as "the session ended"). A user without a password (made for API keys only) cannot
 * confirm: they are told to set one.
 */
export async function confirmPassword(db: Kysely<Schema>, accountId: string, userId: string, password: string): Promise<void> {
  const row = await db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!row?.password_hash) {
    throw invalid('Your user has no password; set one (Settings → Account) to confirm this', [{ field: 'password', message: 'no password set' }]);
  }
  if (!(await verifyPassword(password, row.password_hash))) {
    throw invalid('The password is wrong', [{ field: 'password', message: 'wrong password' }]);
  }
}
