// `leadhook webhooks list|recover|replay-missing|audit|self-heal`: operator commands that work on
// the database directly (also while a server runs), calling the same services as the API.
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import type { Config } from '../config.ts';
import { auditWebhook } from '../delivery/audit.ts';
import { createDeliveryStore } from '../delivery/store/delivery-store.ts';
import { isFailed } from '../delivery/store/failed.ts';
import { WakeSignal } from '../delivery/wakeup.ts';
import { systemClock } from '../shared/clock.ts';
import { openDatabase, type Database } from '../storage/database.ts';
import { migrate } from '../storage/migrate.ts';
import { updateWebhook } from '../webhooks/webhooks.service.ts';

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
          .select(['id', 'account_id', 'url', 'enabled', 'disabled_reason', 'events', 'paused_until', 'max_rate_per_second', 'ordering'])
          .select((eb) =>
            eb
              .selectFrom('deliveries')
              .select(eb.fn.countAll<number>().as('n'))
              .whereRef('deliveries.webhook_id', '=', 'webhooks.id')
              .where(isFailed('deliveries'))
              .as('failed'),
          )
          .orderBy('account_id')
          .orderBy('id');
        if (opts.account) query = query.where('account_id', '=', opts.account);
        const now = systemClock.now().getTime();
        const rows = (await query.execute()).map((r) => ({
          ...r,
          enabled: r.enabled === 1,
          events: JSON.parse(r.events),
          failed: Number(r.failed ?? 0),
          // A pause that has ended is no pause (docs/WEBHOOKS.md, "Back-pressure").
          paused_until: r.paused_until !== null && r.paused_until > now ? new Date(r.paused_until).toISOString() : null,
        }));
        if (opts.json) return console.log(JSON.stringify(rows));
        if (rows.length === 0) return console.log('no webhooks');
        for (const r of rows) {
          const state = r.enabled ? 'enabled ' : `disabled (${r.disabled_reason ?? 'by a user'})`;
          const pressure = `${r.paused_until ? `  paused by the receiver until ${r.paused_until}` : ''}${r.max_rate_per_second === null ? '' : `  max ${r.max_rate_per_second}/s`}`;
          console.log(`${r.id}  ${state}  failed=${r.failed}  ordering=${r.ordering}${pressure}  ${r.url}`);
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

  webhooks
    .command('replay-missing <webhook-id>')
    .description('queue every activity of a window that matches the filter and never reached the webhook (idempotent), with a progress bar')
    .requiredOption('--from <time>', 'window start, ISO date or time (inclusive)', parseTime)
    .option('--to <time>', 'window end, ISO date or time (exclusive; default now)', parseTime)
    .addOption(dataDirOption())
    .action(async (webhookId: string, opts: { from: number; to?: number; dataDir?: string }) => {
      await withDatabase(loadConfig(opts), async (database) => {
        await enabledWebhook(database, webhookId, 'replaying');
        const deliveries = createDeliveryStore(database, new WakeSignal());
        const now = systemClock.now().getTime();
        const to = opts.to ?? now + 1;
        if (!(opts.from < to)) throw new InvalidArgumentError('--from must be before --to');
        const bar = new cliProgress.SingleBar(
          { format: 'replay [{bar}] {value}/{total} activities looked at, {created} queued' },
          cliProgress.Presets.shades_classic,
        );
        bar.start(1, 0, { created: 0 });
        const result = await deliveries.replayMissing({ webhookId, from: opts.from, to, now }, (p) => {
          bar.setTotal(Math.max(p.total, 1));
          bar.update(p.scanned, { created: p.created });
        });
        bar.setTotal(Math.max(result.total, 1));
        bar.update(result.scanned, { created: result.created });
        bar.stop();
        console.log(`${result.created} deliveries queued, ${result.skipped} activities already had one (of ${result.total} matching the filter)`);
      });
    });

  webhooks
    .command('audit <webhook-id>')
    .description('every event id the webhook should have received in a window, with its status, totals and digest')
    .requiredOption('--from <time>', 'window start, ISO date or time (inclusive)', parseTime)
    .option('--to <time>', 'window end, ISO date or time (exclusive; default now)', parseTime)
    .option('--json', 'print the same JSON as GET /webhooks/:id/audit')
    .addOption(dataDirOption())
    .action(async (webhookId: string, opts: { from: number; to?: number; json?: boolean; dataDir?: string }) => {
      await withDatabase(loadConfig(opts), async ({ db }) => {
        const webhook = await db.selectFrom('webhooks').select(['id', 'account_id', 'events']).where('id', '=', webhookId).executeTakeFirst();
        if (!webhook) throw new InvalidArgumentError(`no webhook ${webhookId}`);
        const to = opts.to ?? systemClock.now().getTime() + 1;
        if (!(opts.from < to)) throw new InvalidArgumentError('--from must be before --to');
        const audit = await auditWebhook(db, webhook, opts.from, to);
        if (opts.json) return console.log(JSON.stringify(audit, null, 2));
        for (const event of audit.events) console.log(`${event.id}  ${event.created_at}  ${event.status.padEnd(13)}  ${event.type}`);
        const t = audit.totals;
        console.log(`expected ${t.expected}: succeeded ${t.succeeded}, pending ${t.pending}, failed ${t.failed}, not attempted ${t.not_attempted}`);
        console.log(`digest ${audit.digest}  (${audit.digest_of})`);
      });
    });

  webhooks
    .command('self-heal <webhook-id> <on|off>')
    .description('probe the endpoint after an auto-disable and re-enable it on a 2xx (on), or not (off)')
    .addOption(dataDirOption())
    .action(async (webhookId: string, state: string, opts: { dataDir?: string }) => {
      if (state !== 'on' && state !== 'off') throw new InvalidArgumentError('say on or off');
      await withDatabase(loadConfig(opts), async ({ db }) => {
        const webhook = await db.selectFrom('webhooks').select(['id', 'account_id']).where('id', '=', webhookId).executeTakeFirst();
        if (!webhook) throw new InvalidArgumentError(`no webhook ${webhookId}`);
        await db.transaction().execute((trx) => updateWebhook(trx, webhook.account_id, webhook.id, { self_heal: state === 'on' }, systemClock.now()));
        console.log(`self-heal ${state} for ${webhookId}`);
      });
    });

  return [webhooks];
}

async function enabledWebhook(database: Database, webhookId: string, doing: string): Promise<void> {
  const webhook = await database.db.selectFrom('webhooks').select(['id', 'enabled']).where('id', '=', webhookId).executeTakeFirst();
  if (!webhook) throw new InvalidArgumentError(`no webhook ${webhookId}`);
  if (webhook.enabled !== 1) throw new InvalidArgumentError(`the webhook is disabled; enable it before ${doing}`);
}
