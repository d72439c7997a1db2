// Accounts, users and keys: what `leadhook account create` and `POST /users` do.
import type { Kysely } from 'kysely';
import { AppError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { Schema, UserRow } from '../storage/schema.ts';
import { hashSecret, keyPrefix, newApiKey } from './api-keys.ts';
import { hashPassword } from './passwords.ts';

export const DEFAULT_PIPELINE = { name: 'Default', stages: ['Lead In', 'Contact Made', 'Proposal', 'Offer', 'Negotiation'] };

export interface NewUser {
  name: string;
  email: string;
  role: 'admin' | 'member';
  password?: string | undefined;
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
  return db.transaction().execute(async (trx) => {
    const accountId = newId(now);
    await trx.insertInto('accounts').values({ id: accountId, name: input.name, created_at: now.getTime() }).execute();
    await createPipeline(trx, accountId, DEFAULT_PIPELINE.name, DEFAULT_PIPELINE.stages, now);
    const created = await createUser(trx, accountId, { ...input.owner, role: 'admin' }, now);
    return { accountId, ...created };
  });
}

export async function createUser(db: Kysely<Schema>, accountId: string, input: NewUser, now: Date): Promise<CreatedUser> {
  const email = input.email.trim().toLowerCase();
  const taken = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (taken) throw new AppError('conflict', `A user with email ${email} already exists`);
  const user: UserRow = {
    id: newId(now),
    account_id: accountId,
    name: input.name,
    email,
    photo_url: input.photo_url ?? null,
    role: input.role,
    password_hash: input.password ? await hashPassword(input.password) : null,
    created_at: now.getTime(),
  };
  await db.insertInto('users').values(user).execute();
  const apiKey = await issueApiKey(db, user, 'default', now);
  return { user, apiKey };
}

export async function issueApiKey(db: Kysely<Schema>, user: UserRow, name: string, now: Date): Promise<string> {
  const key = newApiKey();
  await db
    .insertInto('api_keys')
    .values({
      id: newId(now),
      account_id: user.account_id,
      user_id: user.id,
      key_hash: hashSecret(key),
      prefix: keyPrefix(key),
      name,
      created_at: now.getTime(),
      last_used_at: null,
    })
    .execute();
  return key;
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
