// "Forgot password" (docs/SECURITY.md): a reset link valid for RESET_TTL_MS, usable once; only the
// token's sha256 is stored. Asking never reveals whether the email has an account, and at most
// MAX_RESETS_PER_WINDOW links per user are sent per window so nobody can flood an inbox.
import type { Kysely } from 'kysely';
import type { Mailer } from '../notifications/mailer.ts';
import type { Schema, UserRow } from '../storage/schema.ts';
import { hashSecret } from './api-keys.ts';
import { hashPassword } from './passwords.ts';
import { isTokenShaped, newEmailToken } from './tokens.ts';

export const RESET_TTL_MS = 3600 * 1000;
const MAX_RESETS_PER_WINDOW = 3;

/** Sends a reset link to every enabled user with this email (one per account). */
export async function requestPasswordReset(db: Kysely<Schema>, mailer: Mailer, publicUrl: string, email: string, now: Date): Promise<void> {
  const users = await db
    .selectFrom('users')
    .innerJoin('accounts', 'accounts.id', 'users.account_id')
    .select(['users.id', 'users.account_id', 'users.email', 'accounts.name as account_name'])
    .where('users.email', '=', email.trim().toLowerCase())
    .where('users.disabled', '=', 0)
    .limit(20)
    .execute();
  for (const user of users) {
    const { token, hash } = newEmailToken();
    const issued = await db.transaction().execute(async (trx) => {
      // Lock the user's row so that concurrent requests count each other's links.
      await trx.updateTable('users').set((eb) => ({ email: eb.ref('email') })).where('id', '=', user.id).execute();
      const recent = await trx
        .selectFrom('password_resets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', user.id)
        .where('created_at', '>', now.getTime() - RESET_TTL_MS)
        .executeTakeFirstOrThrow();
      if (Number(recent.n) >= MAX_RESETS_PER_WINDOW) return false;
      await trx
        .insertInto('password_resets')
        .values({ token_hash: hash, account_id: user.account_id, user_id: user.id, created_at: now.getTime(), expires_at: now.getTime() + RESET_TTL_MS, used_at: null })
        .execute();
      return true;
    });
    if (!issued) continue;
    await mailer.send({
      accountId: user.account_id,
      webhookId: null,
      to: user.email,
      subject: `Reset your leadhook password (${user.account_name})`,
      text: [
        `Someone asked to reset the password of ${user.email} in ${user.account_name} on leadhook.`,
        '',
        'Choose a new password here (the link works once and expires in 1 hour):',
        `${publicUrl}/#/reset-password?token=${token}`,
        '',
        'If it was not you, ignore this email; your password stays as it is.',
      ].join('\n'),
    });
  }
}

/**
 * Sets the password of the link's user, spends the link and every other link of the user, and ends
 * all of the user's sessions. Undefined when the link is unknown, used or expired.
 */
export async function resetPassword(db: Kysely<Schema>, token: string, password: string, now: Date): Promise<UserRow | undefined> {
  if (!isTokenShaped(token)) return undefined;
  const hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const reset = await trx
      .selectFrom('password_resets')
      .selectAll()
      .where('token_hash', '=', hashSecret(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now.getTime())
      .executeTakeFirst();
    if (!reset) return undefined;
    const spent = await trx
      .updateTable('password_resets')
      .set({ used_at: now.getTime() })
      .where('user_id', '=', reset.user_id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) < 1) return undefined;
    const user = await trx
      .selectFrom('users')
      .selectAll()
      .where('id', '=', reset.user_id)
      .where('account_id', '=', reset.account_id)
      .where('disabled', '=', 0)
      .executeTakeFirst();
    if (!user) return undefined;
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', user.id).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    return { ...user, password_hash: hash };
  });
}
