// The one owner of delivery state (docs/ARCHITECTURE.md): every statement that writes `deliveries`,
// `delivery_attempts`, `delivery_workers` or the webhook health columns lives in this folder. The
// dialect is chosen here, once; callers get one interface. Functions that must share the caller's
// transaction take a `Transaction` (the outbox insert, the webhook service's changes).
import { hostname } from 'node:os';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../storage/database.ts';
import type { Schema } from '../../storage/schema.ts';
import { Announcer, listenersElsewhere, type WakeSignal } from '../wakeup.ts';
import { extendLeases, failOrphans, nextDueAt, releaseDeliveries, webhooksWithDueWork, type ClaimedDelivery, type ClaimOptions, type DueWebhook, type Held, type Lane } from './claim.ts';
import type { DialectSql, RecordedResults } from './dialect-sql.ts';
import { postgresSql } from './postgres.ts';
import { countFailedSince, recoverFailed, retryDeliveryNow } from './requeue.ts';
import { replayMissing, type ReplayProgress, type ReplayRequest } from './replay.ts';
import * as healing from './self-heal.ts';
import type { ProbeClaim } from './self-heal.ts';
import { sqliteSql } from './sqlite.ts';
import { disableOverdueWebhooks, dueErrorSummaries, pruneExpired, type MaintenanceSettings } from './maintenance.ts';
import type { EmailDue } from './error-emails.ts';
import { writeResults, type FinishedAttempt } from './results.ts';
import { loadWebhookTargets, type WebhookTarget } from './targets.ts';
import { recordWebhookHealth, type HealthSettings } from './webhook-health.ts';
import * as workers from './workers.ts';

export interface HealingStore {
  dueProbes(now: number): Promise<string[]>;
  claimProbe(webhookId: string, now: number, leaseMs: number): Promise<ProbeClaim | null>;
  insertProbeDelivery(claim: ProbeClaim, lease: { workerId: string; token: string; until: number }, now: Date): Promise<ClaimedDelivery>;
  probeFailed(claim: ProbeClaim, now: number): Promise<{ ended?: { disabledReason: string | null } }>;
  probeSucceeded(claim: ProbeClaim, now: number): Promise<{ failingSince: number | null } | null>;
  releaseProbe(claim: ProbeClaim): Promise<void>;
  creatorEmail(userId: string): Promise<string | null>;
}

export interface DeliveryStore {
  readonly db: Kysely<Schema>;
  /** True when one process alone may run the worker (SQLite); workers in other processes are dead. */
  readonly singleProcess: boolean;
  webhooksWithDueWork(now: number): Promise<Record<Lane, DueWebhook[]>>;
  claim(options: ClaimOptions): Promise<ClaimedDelivery[]>;
  release(items: readonly Held[]): Promise<void>;
  extendLeases(items: readonly Held[], until: number): Promise<void>;
  failOrphans(items: readonly Held[], now: number): Promise<void>;
  nextDueAt(now: number, after: number): Promise<number | null>;
  /** After a commit that created due work: tells workers in other processes (coalesced, wakeup.ts). */
  announce(): Promise<void>;
  /** Runs `work` in a transaction that wakes every worker (this process's and others) when it commits. */
  inWakingTransaction<T>(work: (trx: Transaction<Schema>) => Promise<T>): Promise<T>;
  retryNow(deliveryId: string, now: number): Promise<void>;
  recoverFailed(request: { webhookId: string; since: number; now: number }, onBatch?: (recovered: number) => void): Promise<number>;
  countFailedSince(webhookId: string, since: number): Promise<number>;
  /** Queues what a webhook never got in a window, in activity order, batch by batch (replay.ts). */
  replayMissing(request: ReplayRequest, onBatch?: (progress: ReplayProgress) => void): Promise<ReplayProgress>;
  loadWebhookTargets(ids: string[]): Promise<Map<string, WebhookTarget>>;
  /** Records a batch fenced by lease token; returns the attempts recorded. */
  writeResults(finished: readonly FinishedAttempt[], now: number): Promise<FinishedAttempt[]>;
  /**
   * The worker's batches: writeResults, and the recorded attempts' webhook health when the dialect
   * writes both at once (`emails` is then not null; else recordHealth follows).
   */
  recordResults(finished: readonly FinishedAttempt[], health: HealthSettings): Promise<RecordedResults>;
  /** Webhook health for recorded attempts; returns the emails to send after commit. */
  recordHealth(recorded: readonly FinishedAttempt[], settings: HealthSettings): Promise<EmailDue[]>;
  disableOverdueWebhooks(settings: MaintenanceSettings): Promise<EmailDue[]>;
  /** Self-healing probes of auto-disabled webhooks (self-heal.ts). */
  readonly healing: HealingStore;
  dueErrorSummaries(settings: MaintenanceSettings): Promise<EmailDue[]>;
  pruneExpired(settings: Pick<MaintenanceSettings, 'now' | 'retentionDays'>): Promise<number>;
  registerWorker(me: workers.WorkerIdentity, now: number): Promise<void>;
  beat(workerId: string, now: number): Promise<boolean>;
  unregisterWorker(workerId: string): Promise<void>;
  otherWorkers(workerId: string): ReturnType<typeof workers.otherWorkers>;
  releaseWorkers(workerIds: readonly string[]): Promise<number>;
  releaseClaimsOfOtherProcesses(liveHere: readonly string[]): Promise<number>;
}

/** `wake` is this process's in-process signal (its own worker, or the delivery thread's host). */
export function createDeliveryStore(database: Pick<Database, 'db' | 'dialect'>, wake: WakeSignal): DeliveryStore {
  const { db } = database;
  const dialectSql: DialectSql = database.dialect === 'postgres' ? postgresSql : sqliteSql;
  const listening = listenersElsewhere(() => workers.workersElsewhere(db, hostname(), process.pid));
  const announcer = new Announcer(async () => {
    if (database.dialect === 'postgres' && (await listening())) await dialectSql.announce(db);
  });
  const announce = () => announcer.poke();
  const inWakingTransaction = async <T>(work: (trx: Transaction<Schema>) => Promise<T>): Promise<T> => {
    const result = await db.transaction().execute(work);
    wake.wake();
    await announce();
    return result;
  };
  return {
    db,
    singleProcess: database.dialect === 'sqlite',
    webhooksWithDueWork: (now) => webhooksWithDueWork(db, dialectSql.laneTable, now),
    claim: (options) => {
      const rooms = [...options.rooms].filter(([, room]) => room > 0);
      return rooms.length === 0 ? Promise.resolve([]) : dialectSql.claim(db, rooms, options);
    },
    release: (items) => releaseDeliveries(db, items),
    extendLeases: (items, until) => extendLeases(db, items, until),
    failOrphans: (items, now) => failOrphans(db, items, now),
    nextDueAt: (now, after) => nextDueAt(db, now, after),
    announce,
    inWakingTransaction,
    retryNow: (deliveryId, now) => retryDeliveryNow(inWakingTransaction, deliveryId, now),
    recoverFailed: (request, onBatch) => recoverFailed(db, inWakingTransaction, request, onBatch),
    countFailedSince: (webhookId, since) => countFailedSince(db, webhookId, since),
    replayMissing: (request, onBatch) => replayMissing(db, inWakingTransaction, request, onBatch),
    loadWebhookTargets: (ids) => loadWebhookTargets(db, ids),
    writeResults: (finished, now) => writeResults(db, finished, now),
    recordResults: (finished, health) => dialectSql.recordResults(db, finished, health),
    recordHealth: (recorded, settings) => recordWebhookHealth(db, recorded, settings),
    disableOverdueWebhooks: (settings) => disableOverdueWebhooks(db, settings),
    healing: {
      dueProbes: (now) => healing.dueProbes(db, now),
      claimProbe: (webhookId, now, leaseMs) => healing.claimProbe(db, webhookId, now, leaseMs),
      insertProbeDelivery: (claim, lease, now) => healing.insertProbeDelivery(db, claim, lease, now),
      probeFailed: (claim, now) => healing.probeFailed(db, claim, now),
      probeSucceeded: (claim, now) => healing.probeSucceeded(db, claim, now),
      releaseProbe: (claim) => healing.releaseProbe(db, claim),
      creatorEmail: (userId) => healing.creatorEmail(db, userId),
    },
    dueErrorSummaries: (settings) => dueErrorSummaries(db, settings),
    pruneExpired: (settings) => pruneExpired(db, dialectSql.expired, settings),
    registerWorker: (me, now) => workers.registerWorker(db, me, now),
    beat: (workerId, now) => workers.beat(db, workerId, now),
    unregisterWorker: (workerId) => workers.unregisterWorker(db, workerId),
    otherWorkers: (workerId) => workers.otherWorkers(db, workerId),
    releaseWorkers: (workerIds) => workers.releaseWorkers(db, workerIds),
    releaseClaimsOfOtherProcesses: (liveHere) => workers.releaseClaimsOfOtherProcesses(db, liveHere),
  };
}
