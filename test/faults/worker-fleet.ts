// `serve --no-worker` plus N `leadhook worker`s on one PostgreSQL database, a webhook on the test
// receiver (answering after a short delay, so requests are in flight), and what the fault tests
// need to see inside: each worker's id and what it holds leased at a given moment.
import assert from 'node:assert/strict';
import pg from 'pg';
import { RETRIED_IDS_SQL } from './fault-load.ts';
import { api, createAccountByCli, LISTENING, startLeadhook, type Child, type ProcessFixture } from '../helpers/processes.ts';

export interface Worker {
  child: Child;
  id: string;
}

export interface Fleet {
  base: string;
  key: string;
  pipelineId: string;
  server: Child;
  workers: Worker[];
  startWorker(): Promise<Worker>;
  /** Deliveries the worker holds leased now (claimed, not yet recorded): what a crash may send twice. */
  leasedBy(workerId: string): Promise<string[]>;
  /** Webhook-ids with a failed attempt on record (see splitDuplicates). */
  retriedIds(): Promise<Set<string>>;
  /** Failed attempts on record by error category. */
  failedAttempts(): Promise<Record<string, number>>;
  /** Arrival times (ms) of each webhook-id at the receiver. */
  arrivals: Map<string, number[]>;
  close(): Promise<void>;
}

/** `answerAfterMs`: how long the receiver takes per request (longer: more in flight at any moment). */
export async function startFleet(fx: ProcessFixture, workerCount: number, answerAfterMs = 30): Promise<Fleet> {
  const arrivals = new Map<string, number[]>();
  fx.receiver.behave((req, res) => {
    const id = String(req.headers['webhook-id']);
    arrivals.set(id, [...(arrivals.get(id) ?? []), Date.now()]);
    setTimeout(() => res.writeHead(200).end(), answerAfterMs);
  });
  const { api_key: key } = await createAccountByCli(fx.env);
  const server = startLeadhook(['serve', '--no-worker'], fx.env);
  const base = (await server.waitFor(LISTENING, 90_000))[1]!;
  assert.equal((await api(base, key, 'POST', '/webhooks', { url: fx.receiver.url(), events: ['lead:created'] })).status, 201);
  const pipelineId = (await api(base, key, 'GET', '/pipelines')).body[0]._id as string;
  const startWorker = async (): Promise<Worker> => {
    const child = startLeadhook(['worker'], fx.env);
    // Generous: the shared machine can be very busy, and a start migrates and connects first.
    const match = await child.waitFor(/"worker":"(worker-[0-9a-f]+)".*delivery worker started/, 90_000);
    return { child, id: match[1]! };
  };
  const workers = await Promise.all(Array.from({ length: workerCount }, startWorker));
  const client = new pg.Client({ connectionString: fx.env.DATABASE_URL });
  client.on('error', () => {});
  await client.connect();
  return {
    base,
    key,
    pipelineId,
    server,
    workers,
    startWorker,
    arrivals,
    async leasedBy(workerId) {
      const { rows } = await client.query<{ activity_id: string }>(
        `select activity_id from deliveries where leased_by = $1 and status = 'pending'`,
        [workerId],
      );
      return rows.map((r) => r.activity_id);
    },
    async retriedIds() {
      const { rows } = await client.query<{ activity_id: string }>(RETRIED_IDS_SQL);
      return new Set(rows.map((r) => r.activity_id));
    },
    async failedAttempts() {
      const { rows } = await client.query<{ category: string; n: number }>(
        'select error_category as category, count(*)::int as n from delivery_attempts where succeeded = 0 group by 1',
      );
      return Object.fromEntries(rows.map((r) => [r.category, r.n]));
    },
    close: () => client.end().catch(() => {}),
  };
}

/** The time each of `ids` arrived again at or after `since`; undefined for one that has not. */
export function recoveredAt(arrivals: Map<string, number[]>, ids: string[], since: number): number | undefined {
  let last = since;
  for (const id of ids) {
    const at = (arrivals.get(id) ?? []).find((t) => t >= since);
    if (at === undefined) return undefined;
    last = Math.max(last, at);
  }
  return last;
}
