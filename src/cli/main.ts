// The `leadhook` command: argument parsing only; every command calls the same services as the API.
import { Command, InvalidArgumentError, Option } from 'commander';
import { createAccount } from '../accounts/accounts.service.ts';
import { ConfigError, loadConfig, type ConfigOverrides } from '../config.ts';
import { serveUntilSignal } from '../main.ts';
import { systemClock } from '../shared/clock.ts';
import { openDatabase } from '../storage/database.ts';
import { migrate } from '../storage/migrate.ts';
import { AppError } from '../shared/errors.ts';
import { VERSION } from '../version.ts';
import { keyCommands } from './keys.commands.ts';
import { userCommands } from './users.commands.ts';
import { webhookCommands } from './webhooks.commands.ts';

const program = new Command('leadhook').version(VERSION).description('Lead CRM with reliable ClinchPad-format webhooks');

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number');
  return n;
}

const dataDirOption = () => new Option('--data-dir <dir>', 'folder for the SQLite file and attachments (LEADHOOK_DATA_DIR)');

function overridesFrom(opts: { dataDir?: string; port?: number; host?: string }): ConfigOverrides {
  const overrides: ConfigOverrides = {};
  if (opts.dataDir !== undefined) overrides.dataDir = opts.dataDir;
  if (opts.port !== undefined) overrides.port = opts.port;
  if (opts.host !== undefined) overrides.host = opts.host;
  return overrides;
}

program
  .command('serve')
  .description('run the API, the web UI and the delivery worker')
  .option('--port <port>', 'port to listen on (PORT, default 3000)', port)
  .option('--host <host>', 'address to listen on (default 127.0.0.1)')
  .addOption(dataDirOption())
  .option('--no-worker', 'do not deliver webhooks in this process (run `leadhook worker` elsewhere)')
  .action(async (opts: { port?: number; host?: string; dataDir?: string; worker: boolean }) => {
    await serveUntilSignal(loadConfig(process.env, overridesFrom(opts)), { api: true, worker: opts.worker });
  });

program
  .command('worker')
  .description('deliver webhooks only (several workers may share one PostgreSQL)')
  .addOption(dataDirOption())
  .action(async (opts: { dataDir?: string }) => {
    await serveUntilSignal(loadConfig(process.env, overridesFrom(opts)), { api: false, worker: true });
  });

program
  .command('migrate')
  .description('create or upgrade the database schema')
  .addOption(dataDirOption())
  .action(async (opts: { dataDir?: string }) => {
    const config = loadConfig(process.env, overridesFrom(opts));
    const database = openDatabase(config);
    try {
      const applied = await migrate(database);
      console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'database is up to date');
    } finally {
      await database.close();
    }
  });

const account = program.command('account').description('manage accounts');
account
  .command('create')
  .description('create an account with its admin user; prints the admin API key once')
  .requiredOption('--name <account>', 'account name')
  .requiredOption('--owner-name <name>', "the admin's name")
  .requiredOption('--owner-email <email>', "the admin's email (also the web login)")
  .option('--password <password>', 'web login password (at least 8 characters)')
  .option('--json', 'print {"account_id", "user_id", "api_key"} as JSON')
  .addOption(dataDirOption())
  .action(async (opts: { name: string; ownerName: string; ownerEmail: string; password?: string; json?: boolean; dataDir?: string }) => {
    if (opts.password !== undefined && opts.password.length < 8) throw new InvalidArgumentError('--password must have at least 8 characters');
    if (!/^[^@\s]+@[^@\s]+$/.test(opts.ownerEmail)) throw new InvalidArgumentError('--owner-email is not an email address');
    const config = loadConfig(process.env, overridesFrom(opts));
    const database = openDatabase(config);
    try {
      await migrate(database);
      const created = await createAccount(
        database.db,
        { name: opts.name, owner: { name: opts.ownerName, email: opts.ownerEmail, password: opts.password } },
        systemClock.now(),
      );
      const result = { account_id: created.accountId, user_id: created.user.id, api_key: created.apiKey };
      if (opts.json) console.log(JSON.stringify(result));
      else {
        console.log(`account ${result.account_id} created; admin ${opts.ownerEmail} (${result.user_id})`);
        console.log(`API key (shown once): ${result.api_key}`);
      }
    } finally {
      await database.close();
    }
  });

for (const command of webhookCommands((opts) => loadConfig(process.env, overridesFrom(opts)), dataDirOption)) {
  program.addCommand(command);
}
program.addCommand(keyCommands((opts) => loadConfig(process.env, overridesFrom(opts)), dataDirOption));
program.addCommand(userCommands((opts) => loadConfig(process.env, overridesFrom(opts)), dataDirOption));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof AppError || error instanceof InvalidArgumentError) {
    console.error(`leadhook: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
