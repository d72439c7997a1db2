// Fills the outbox directly, with every worker stopped: `count` pending deliveries spread over the
// given webhooks, in big batches (SQLite: one prepared statement in 50,000-row transactions;
// PostgreSQL: 10,000-row `insert … select from unnest(…)`). Rows look exactly like the ones the
// outbox writes, because they are made by its own `newDeliveryRow` (src/delivery/outbox.ts).
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { BenchDatabase } from '../lib/databases.ts';
import { newDeliveryRow } from '../../src/delivery/store/rows.ts';
import { NOTIFY_CHANNEL } from '../../src/delivery/wakeup.ts';
import { sampleBody } from '../lib/sample-body.ts';

export interface BacklogTarget {
  accountId: string;
  webhookIds: string[];
}

type Row = Record<string, string | number | null>;

/** Ids shaped like src/shared/ids.ts: seconds, 5 random bytes, a counter; they sort by creation. */
function idMaker(at: number): () => string {
  const prefix = Math.floor(at / 1000).toString(16).padStart(8, '0') + randomBytes(5).toString('hex');
  let counter = 0;
  return () => prefix + (counter++).toString(16).padStart(6, '0');
}

function* rows(target: BacklogTarget, count: number, at: number): Generator<Row> {
  const created = new Date(at);
  const activityId = idMaker(at);
  const leadId = idMaker(at);
  const fanOut = target.webhookIds.length;
  let activity = '';
  let body = '';
  for (let i = 0; i < count; i++) {
    if (i % fanOut === 0) {
      activity = activityId();
      body = sampleBody(activity, leadId(), i / fanOut);
    }
    yield newDeliveryRow(
      { account_id: target.accountId, webhook_id: target.webhookIds[i % fanOut]!, activity_id: activity, type: 'lead:created', body, is_test: 0 },
      created,
    );
  }
}

const COLUMNS = Object.keys(rows({ accountId: '', webhookIds: [''] }, 1, 0).next().value as Row);

export async function insertBacklog(database: BenchDatabase, target: BacklogTarget, count: number, at = Date.now()): Promise<void> {
  if (database.dialect === 'sqlite') insertSqlite(database, target, count, at);
  else await insertPostgres(database, target, count, at);
}

function insertSqlite(database: BenchDatabase, target: BacklogTarget, count: number, at: number): void {
  const sqlite = new SqliteDatabase(path.join(database.dataDir, 'leadhook.db'));
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    const insert = sqlite.prepare(`insert into deliveries (${COLUMNS.join(', ')}) values (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
    const batch = sqlite.transaction((list: Row[]) => {
      for (const row of list) insert.run(row);
    });
    let list: Row[] = [];
    for (const row of rows(target, count, at)) {
      list.push(row);
      if (list.length === 50_000) {
        batch(list);
        list = [];
      }
    }
    if (list.length > 0) batch(list);
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    sqlite.close();
  }
}

const PG_TYPES: Record<string, string> = {
  attempts: 'int', next_attempt_at: 'bigint', lease_until: 'bigint', last_status: 'int',
  is_test: 'int', created_at: 'bigint', updated_at: 'bigint', lead_seq: 'int', lead_prev_seq: 'int',
};

async function insertPostgres(database: BenchDatabase, target: BacklogTarget, count: number, at: number): Promise<void> {
  const client = new pg.Client({ connectionString: database.databaseUrl });
  await client.connect();
  try {
    const arrays = COLUMNS.map((c, i) => `$${i + 1}::${PG_TYPES[c] ?? 'text'}[]`).join(', ');
    const text = `insert into deliveries (${COLUMNS.join(', ')}) select * from unnest(${arrays})`;
    let columns: Array<Array<string | number | null>> = COLUMNS.map(() => []);
    let size = 0;
    const flush = async () => {
      await client.query(text, columns);
      columns = COLUMNS.map(() => []);
      size = 0;
    };
    for (const row of rows(target, count, at)) {
      COLUMNS.forEach((c, i) => columns[i]!.push(row[c] ?? null));
      if (++size === 10_000) await flush();
    }
    if (size > 0) await flush();
    await client.query('analyze deliveries');
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL only: pauses the webhooks (`paused_until`, the back-pressure pause every worker obeys)
 * until every one of `workers` delivery processes has registered, then lets them go. Without it the
 * first worker to start delivers while the others still load, and their start-up falls inside the
 * measured window (first → last arrival) of a multi-worker drain.
 */
export async function releaseWhenWorkersReady(database: BenchDatabase, webhookIds: string[], workers: number, deadline: number): Promise<void> {
  const client = new pg.Client({ connectionString: database.databaseUrl });
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query<{ n: string }>('select count(*) as n from delivery_workers');
      if (Number(rows[0]?.n) >= workers) break;
      if (Date.now() > deadline) throw new Error(`only ${rows[0]?.n} of ${workers} workers registered`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.query('update webhooks set paused_until = null where id = any($1)', [webhookIds]);
    await client.query(`notify ${NOTIFY_CHANNEL}`);
  } finally {
    await client.end();
  }
}

/** PostgreSQL only: holds the webhooks (see releaseWhenWorkersReady). */
export async function holdWebhooks(database: BenchDatabase, webhookIds: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: database.databaseUrl });
  await client.connect();
  try {
    await client.query('update webhooks set paused_until = $2 where id = any($1)', [webhookIds, Date.now() + 3_600_000]);
  } finally {
    await client.end();
  }
}
