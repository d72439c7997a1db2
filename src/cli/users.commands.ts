// `leadhook users list|disable|enable`: user control for operators (docs/SECURITY.md, "Keys and
// users"), over the same service as `PUT /api/v1/users/:id`: an account keeps one enabled admin.
import { Command, InvalidArgumentError, type Option } from 'commander';
import { toUser } from '../accounts/users.ts';
import { updateUser } from '../accounts/users.service.ts';
import type { Config } from '../config.ts';
import { withDatabase } from './webhooks.commands.ts';

type ConfigLoader = (opts: { dataDir?: string }) => Readonly<Config>;

export function userCommands(loadConfig: ConfigLoader, dataDirOption: () => Option): Command {
  const users = new Command('users').description('manage users');
  users
    .command('list')
    .description("list an account's users")
    .requiredOption('--account <id>', 'the account')
    .option('--json', 'print a JSON array as GET /api/v1/users answers')
    .addOption(dataDirOption())
    .action(async (opts: { account: string; json?: boolean; dataDir?: string }) => {
      await withDatabase(loadConfig(opts), async ({ db }) => {
        const rows = await db.selectFrom('users').selectAll().where('account_id', '=', opts.account).orderBy('id').execute();
        const list = rows.map(toUser);
        if (opts.json) console.log(JSON.stringify(list));
        else for (const u of list) console.log(`${u._id}  ${u.email}  ${u.role}${u.disabled ? '  disabled' : ''}  ${u.name}`);
      });
    });

  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    users
      .command(`${name} <id>`)
      .description(disabled ? "disable a user: their keys and sessions stop working at once" : 'enable a disabled user again')
      .addOption(dataDirOption())
      .action(async (id: string, opts: { dataDir?: string }) => {
        await withDatabase(loadConfig(opts), async ({ db }) => {
          const row = await db.selectFrom('users').select('account_id').where('id', '=', id).executeTakeFirst();
          if (!row) throw new InvalidArgumentError(`no user ${id}`);
          await updateUser(db, row.account_id, id, { disabled });
          console.log(`user ${id} ${disabled ? 'disabled' : 'enabled'}`);
        });
      });
  }
  return users;
}
