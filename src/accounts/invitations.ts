// Invitations (docs/SECURITY.md): an admin invites an email; the emailed link lets its holder pick a
// name and password once, within INVITATION_TTL_MS. Only the token's sha256 is stored.
import type { Kysely } from 'kysely';
import type { Mailer } from '../notifications/mailer.ts';
import { isoSeconds } from '../shared/clock.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { InvitationRow, Schema, UserRow } from '../storage/schema.ts';
import { hashSecret } from './api-keys.ts';
import { createUser } from './accounts.service.ts';
import { hashPassword } from './passwords.ts';
import { isTokenShaped, newEmailToken } from './tokens.ts';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface InvitationView {
  _id: string;
  email: string;
  role: 'admin' | 'member';
  expires_at: string;
}

export interface NewInvitation {
  accountId: string;
  invitedBy: { id: string; name: string };
  email: string;
  name?: string | undefined;
  role: 'admin' | 'member';
}

export async function inviteUser(
  db: Kysely<Schema>,
  mailer: Mailer,
  publicUrl: string,
  input: NewInvitation,
  now: Date,
): Promise<InvitationView> {
  const email = input.email.trim().toLowerCase();
  const existing = await db.selectFrom('users').select('id').where('account_id', '=', input.accountId).where('email', '=', email).executeTakeFirst();
  if (existing) throw new AppError('conflict', `A user with email ${email} already exists in this account`);
  const account = await db.selectFrom('accounts').select('name').where('id', '=', input.accountId).executeTakeFirstOrThrow();
  const { token, hash } = newEmailToken();
  const row: InvitationRow = {
    id: newId(now),
    account_id: input.accountId,
    email,
    name: input.name ?? null,
    role: input.role,
    token_hash: hash,
    invited_by: input.invitedBy.id,
    created_at: now.getTime(),
    expires_at: now.getTime() + INVITATION_TTL_MS,
    accepted_at: null,
  };
  await db.insertInto('invitations').values(row).execute();
  await mailer.send({
    accountId: input.accountId,
    webhookId: null,
    to: email,
    subject: `${input.invitedBy.name} invited you to ${account.name} on leadhook`,
    text: [
      `${input.invitedBy.name} invited you to join ${account.name} on leadhook.`,
      '',
      'Choose your name and password here (the link works once and expires in 7 days):',
      `${publicUrl}/#/accept-invite?token=${token}`,
    ].join('\n'),
  });
  return { _id: row.id, email, role: row.role, expires_at: isoSeconds(new Date(row.expires_at)) };
}

type Lookup = { state: 'valid'; row: InvitationRow; accountName: string } | { state: 'gone' } | { state: 'missing' };

/** The invitation behind a token: valid, gone (used or expired, 410) or missing (404). */
export async function findInvitation(db: Kysely<Schema>, token: string, now: Date): Promise<Lookup> {
  if (!isTokenShaped(token)) return { state: 'missing' };
  const row = await db
    .selectFrom('invitations')
    .innerJoin('accounts', 'accounts.id', 'invitations.account_id')
    .selectAll('invitations')
    .select('accounts.name as account_name')
    .where('invitations.token_hash', '=', hashSecret(token))
    .executeTakeFirst();
  if (!row) return { state: 'missing' };
  const { account_name, ...invitation } = row;
  if (invitation.accepted_at !== null || invitation.expires_at <= now.getTime()) return { state: 'gone' };
  return { state: 'valid', row: invitation, accountName: account_name };
}

export class InvitationGoneError extends Error {
  constructor() {
    super('This invitation was already used or has expired');
  }
}

/** Creates the invited user; the link is spent in the same transaction, so it works once. */
export async function acceptInvitation(
  db: Kysely<Schema>,
  token: string,
  input: { name: string; password: string },
  now: Date,
): Promise<UserRow> {
  const found = await findInvitation(db, token, now);
  if (found.state === 'missing') throw notFound('Invitation');
  if (found.state === 'gone') throw new InvitationGoneError();
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const spent = await trx
      .updateTable('invitations')
      .set({ accepted_at: now.getTime() })
      .where('id', '=', found.row.id)
      .where('accepted_at', 'is', null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) throw new InvitationGoneError();
    const { user } = await createUser(trx, found.row.account_id, { name: input.name, email: found.row.email, role: found.row.role, passwordHash }, now);
    return user;
  });
}
