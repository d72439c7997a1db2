// Accounts, users and keys: what `leadhook account create` and `POST /users` do.
import type { Kysely } from 'kysely';
import { AppError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { ApiKeyRow, Schema, UserRow } from '../storage/schema.ts';
import { hashSecret, keyPrefix, newApiKey } from './api-keys.ts';
import { hashPassword } from './passwords.ts';

export const DEFAULT_PIPELINE = { name: 'Default', stages: ['Lead In', 'Contact Made', 'Proposal', 'Offer', 'Negotiation'] };

export interface NewUser {
  name: string;
  email: string;
  role: 'admin' | 'member';
  password?: string | undefined;
  /** A hash made beforehand, so no transaction waits for the (slow, gated) password hash. */
  passwordHash?: string | undefined;
  photo_url?: string | null | undefined;
}

export interface CreatedUser {
  user: UserRow;
  apiKey: string;
}

export async function createAccount(
  db: Kysely<Schema>,
  input: { name: string; owner: Omit<NewUser, 'role'> },
  now: Date,
): Promise<CreatedUser & { accountId: string }> {
  const passwordHash = input.owner.password ? await hashPassword(input.owner.password) : undefined;
  const owner = { ...input.owner, password: undefined, passwordHash };
  const work = async (trx: Kysely<Schema>) => {
    const accountId = newId(now);
    await trx.insertInto('accounts').values({ id: accountId, name: input.name, created_at: now.getTime() }).execute();
    await createPipeline(trx, accountId, DEFAULT_PIPELINE.name, DEFAULT_PIPELINE.stages, now);
    const created = await createUser(trx, accountId, { ...owner, role: 'admin' }, now);
    return { accountId, ...created };
  };
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

export async function createUser(db: Kysely<Schema>, accountId: string, input: NewUser, now: Date): Promise<CreatedUser> {
  const email = input.email.trim().toLowerCase();
  // Emails are unique within an account only: another account's users are neither revealed nor blocked.
  const taken = await db.selectFrom('users').select('id').where('account_id', '=', accountId).where('email', '=', email).executeTakeFirst();
  if (taken) throw new AppError('conflict', `A user with email ${email} already exists in this account`);
  const user: UserRow = {
    id: newId(now),
    account_id: accountId,
    name: input.name,
    email,
    photo_url: input.photo_url ?? null,
    role: input.role,
    password_hash: input.passwordHash ?? (input.password ? await hashPassword(input.password) : null),
    created_at: now.getTime(),
    disabled: 0,
  };
  await db.insertInto('users').values(user).execute();
  const apiKey = await issueApiKey(db, user, 'default', now);
  return { user, apiKey };
}

export async function issueApiKey(db: Kysely<Schema>, user: Pick<UserRow, 'id' | 'account_id'>, name: string, now: Date): Promise<string> {
  return (await createApiKey(db, user, name, now)).key;
}

/** A new key for `user`; the secret is in `key` and is never stored. */
export async function createApiKey(
  db: Kysely<Schema>,
  user: Pick<UserRow, 'id' | 'account_id'>,
  name: string,
  now: Date,
): Promise<{ key: string; row: ApiKeyRow }> {
  const key = newApiKey();
  const row: ApiKeyRow = {
    id: newId(now),
    account_id: user.account_id,
    user_id: user.id,
    key_hash: hashSecret(key),
    prefix: keyPrefix(key),
    name,
    created_at: now.getTime(),
    last_used_at: null,
    revoked_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { key, row };
}

export async function createPipeline(
  db: Kysely<Schema>,
  accountId: string,
  name: string,
  stageNames: string[],
  now: Date,
): Promise<string> {
  const position = await db
    .selectFrom('pipelines')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  const pipelineId = newId(now);
  await db
    .insertInto('pipelines')
    .values({ id: pipelineId, account_id: accountId, name, position: Number(position.n), created_at: now.getTime() })
    .execute();
  if (stageNames.length > 0) {
    await db
      .insertInto('stages')
      .values(stageNames.map((stage, i) => ({ id: newId(now), account_id: accountId, pipeline_id: pipelineId, name: stage, position: i })))
      .execute();
  }
  return pipelineId;
}
