// `leadhook keys create|list|revoke`: API keys from the command line (docs/SECURITY.md, "Keys and users"),
// over the same services as the API. An email may belong to users of several accounts; then
// `--account <id>` says which.
import { Command, InvalidArgumentError, type Option } from 'commander';
import type { Kysely } from 'kysely';
import { issueApiKey } from '../accounts/accounts.service.ts';
import { listApiKeys, revokeApiKey } from '../accounts/api-keys.service.ts';
import type { Config } from '../config.ts';
import { systemClock } from '../shared/clock.ts';
import type { Schema, UserRow } from '../storage/schema.ts';
import { withDatabase } from './webhooks.commands.ts';

type ConfigLoader = (opts: { dataDir?: string }) => Readonly<Config>;

async function userByEmail(db: Kysely<Schema>, email: string, accountId: string | undefined): Promise<UserRow> {
  let query = db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase());
  if (accountId !== undefined) query = query.where('account_id', '=', accountId);
  const users = await query.limit(50).execute();
  if (users.length === 0) throw new InvalidArgumentError(`no user with email ${email}${accountId ? ` in account ${accountId}` : ''}`);
  if (users.length > 1) {
    throw new InvalidArgumentError(`${email} has users in several accounts (${users.map((u) => u.account_id).join(', ')}); add --account <id>`);
  }
  return users[0]!;
}

export function keyCommands(loadConfig: ConfigLoader, dataDirOption: () => Option): Command {
  const keys = new Command('keys').description('manage API keys');
  keys
    .command('create')
    .description('issue a new API key for a user (printed once)')
    .requiredOption('--email <email>', "the user's email")
    .option('--account <id>', 'the account, when the email has users in several')
    .option('--name <name>', 'a label for the key', 'cli')
    .addOption(dataDirOption())
    .action(async (opts: { email: string; account?: string; name: string; dataDir?: string }) => {
      await withDatabase(loadConfig(opts), async ({ db }) => {
        const user = await userByEmail(db, opts.email, opts.account);
        console.log(await issueApiKey(db, user, opts.name, systemClock.now()));
      });
    });

  keys
    .command('list')
    .description("list a user's API keys (never the secrets)")
    .requiredOption('--email <email>', "the user's email")
    .option('--account <id>', 'the account, when the email has users in several')
    .option('--json', 'print a JSON array as GET /api/v1/keys answers')
    .addOption(dataDirOption())
    .action(async (opts: { email: string; account?: string; json?: boolean; dataDir?: string }) => {
      await withDatabase(loadConfig(opts), async ({ db }) => {
        const user = await userByEmail(db, opts.email, opts.account);
        const list = await listApiKeys(db, { accountId: user.account_id, userId: user.id, role: 'member' });
        if (opts.json) {
          console.log(JSON.stringify(list));
          return;
        }
        for (const key of list) {
          const state = key.revoked_at ? `revoked ${key.revoked_at}` : `last used ${key.last_used_at ?? 'never'}`;
          console.log(`${key._id}  ${key.prefix}…  ${key.name}  created ${key.created_at}  ${state}`);
        }
      });
    });

  keys
    .command('revoke <id>')
    .description('revoke an API key by its id; it stops working at once')
    .addOption(dataDirOption())
    .action(async (id: string, opts: { dataDir?: string }) => {
      await withDatabase(loadConfig(opts), async ({ db }) => {
        const row = await db.selectFrom('api_keys').select(['account_id']).where('id', '=', id).executeTakeFirst();
        if (!row) throw new InvalidArgumentError(`no API key ${id}`);
        await revokeApiKey(db, { accountId: row.account_id, userId: '', role: 'admin' }, id, systemClock.now());
        console.log(`key ${id} revoked`);
      });
    });
  return keys;
}
