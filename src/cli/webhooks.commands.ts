// `leadhook webhooks list|recover`: operator commands that work on the
// database directly (also while a server runs), calling the same services as the API.
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import type { Config } from '../config.ts';
import { createDeliveryStore } from '../delivery/store/delivery-store.ts';
import { WakeSignal } from '../delivery/wakeup.ts';
import { systemClock } from '../shared/clock.ts';
import { openDatabase, type Database } from '../storage/database.ts';
import { migrate } from '../storage/migrate.ts';

type ConfigLoader = (opts: { dataDir?: string }) => Readonly<Config>;

export async function withDatabase<T>(config: Readonly<Config>, work: (database: Database) => Promise<T>): Promise<T> {
  const database = openDatabase(config);
  try {
    await migrate(database);
    return await work(database);
  } finally {
    await database.close();
  }
}

function parseTime(value: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidArgumentError('must be a date or time, e.g. 2026-01-31 or 2026-01-31T08:00:00Z');
  return time;
}

export function webhookCommands(loadConfig: ConfigLoader, dataDirOption: () => import('commander').Option): Command[] {
  const webhooks = new Command('webhooks').description('inspect and recover webhooks');
  webhooks
    .command('list')
    .description('list webhooks, with their status and failed deliveries')
    .option('--account <id>', 'only this account')
    .option('--json', 'print JSON')
    .addOption(dataDirOption())
    .action(async (opts: { account?: string; json?: boolean; dataDir?: string }) => {
      await withDatabase(loadConfig(opts), async ({ db }) => {
        let query = db
          .selectFrom('webhooks')
          .select(['id', 'account_id', 'url', 'enabled', 'disabled_reason', 'events', 'ordering'])
          .select((eb) =>
            eb
              .selectFrom('deliveries')
              .select(eb.fn.countAll<number>().as('n'))
              .whereRef('deliveries.webhook_id', '=', 'webhooks.id')
              .where('deliveries.status', '=', 'failed')
              .as('failed'),
          )
          .orderBy('account_id')
          .orderBy('id');
        if (opts.account) query = query.where('account_id', '=', opts.account);
        const rows = (await query.execute()).map((r) => ({ ...r, enabled: r.enabled === 1, events: JSON.parse(r.events), failed: Number(r.failed ?? 0) }));
        if (opts.json) return console.log(JSON.stringify(rows));
        if (rows.length === 0) return console.log('no webhooks');
        for (const r of rows) {
          const state = r.enabled ? 'enabled ' : `disabled (${r.disabled_reason ?? 'by a user'})`;
          console.log(`${r.id}  ${state}  failed=${r.failed}  ordering=${r.ordering}  ${r.url}`);
        }
      });
    });

  webhooks
    .command('recover <webhook-id>')
    .description('requeue every failed delivery of a webhook since a time (paced), with a progress bar')
    .requiredOption('--since <time>', 'ISO date or time', parseTime)
    .addOption(dataDirOption())
    .action(async (webhookId: string, opts: { since: number; dataDir?: string }) => {
      await withDatabase(loadConfig(opts), async (database) => {
        const webhook = await database.db.selectFrom('webhooks').select(['id', 'enabled']).where('id', '=', webhookId).executeTakeFirst();
        if (!webhook) throw new InvalidArgumentError(`no webhook ${webhookId}`);
        if (webhook.enabled !== 1) throw new InvalidArgumentError('the webhook is disabled; enable it before recovering');
        // No worker in this process: the workers of a running server hear NOTIFY (PostgreSQL) or
        // find the work at their next poll (SQLite).
        const deliveries = createDeliveryStore(database, new WakeSignal());
        const total = await deliveries.countFailedSince(webhookId, opts.since);
        const bar = new cliProgress.SingleBar({ format: 'recover [{bar}] {value}/{total} deliveries requeued' }, cliProgress.Presets.shades_classic);
        bar.start(total, 0);
        const now = systemClock.now().getTime();
        const recovered = await deliveries.recoverFailed({ webhookId, since: opts.since, now }, (n) => bar.update(Math.min(n, total)));
        bar.update(recovered);
        bar.stop();
        console.log(`${recovered} deliveries requeued; the worker sends them at up to 500 a second`);
      });
    });

  return [webhooks];
}
