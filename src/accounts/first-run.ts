// First run (docs/SECURITY.md): while the database holds no account, anyone who can reach the
// server may create the first account and its admin, once. Concurrent attempts are serialised (in
// this process by a promise chain, across PostgreSQL processes by an advisory lock), so exactly
// one wins and the others get `conflict`.
import { sql, type Kysely } from 'kysely';
import { AppError } from '../shared/errors.ts';
import type { Schema } from '../storage/schema.ts';
import { createAccount, type CreatedUser } from './accounts.service.ts';
import { hashPassword } from './passwords.ts';

export interface NewWorkspace {
  workspace: string;
  name: string;
  email: string;
  password: string;
}

let chain: Promise<unknown> = Promise.resolve();
const SETUP_LOCK = 4_801_731;

export async function setupNeeded(db: Kysely<Schema>): Promise<boolean> {
  const row = await db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}

export async function createFirstAccount(
  db: Kysely<Schema>,
  dialect: 'sqlite' | 'postgres',
  input: NewWorkspace,
  now: Date,
): Promise<CreatedUser & { accountId: string }> {
  const passwordHash = await hashPassword(input.password);
  const owner = { name: input.name, email: input.email, passwordHash };
  const run = async () =>
    db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${SETUP_LOCK})`.execute(trx);
      if (!(await setupNeeded(trx))) throw new AppError('conflict', 'This server is already set up; log in instead');
      return createAccount(trx, { name: input.workspace, owner }, now);
    });
  const result = chain.then(run, run);
  chain = result.catch(() => undefined);
  return result;
}

/** A new account with `input` as its admin (open sign-up, and the first run). */
export async function createAccountIn(db: Kysely<Schema>, input: NewWorkspace, now: Date): Promise<CreatedUser & { accountId: string }> {
  return createAccount(db, { name: input.workspace, owner: { name: input.name, email: input.email, password: input.password } }, now);
}
