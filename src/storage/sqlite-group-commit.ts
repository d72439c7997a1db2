// Group commit for a thread's one SQLite connection (docs/BENCHMARKS.md, "Group commit"). Kysely
// hands the connection to one caller at a time; a transaction that finds callers waiting does not
// COMMIT on its own: it runs as a SAVEPOINT inside one outer transaction, and the caller that finds
// nobody waiting (or a group already `maxMembers` strong or `maxAgeMs` old) commits the group. Each
// caller still gets its answer only after the COMMIT that covers what it did, so a `201` still means
// committed; what changes is the number of commits, the most expensive statement of the write path
// (WAL frames written once per group instead of once per request).
// - A transaction that fails rolls back to its savepoint: the group's other members are not touched.
// - When SQLite ends the outer transaction itself (SQLITE_FULL, SQLITE_IOERR, …) or the COMMIT fails,
//   every member of the group gets that error: none is answered as if it had been saved.
// - A statement run outside a transaction while a group is open runs inside the group, and its caller
//   also waits for the COMMIT, so nobody is shown (or answered about) data that is not yet durable.
import { CompiledQuery, type DatabaseConnection, type Driver, type QueryResult } from 'kysely';

export interface GroupCommitOptions {
  /** Commit once this many transactions joined the group, even with callers waiting. */
  maxMembers: number;
  /** Commit once the group is this old (ms), even with callers waiting: bounds the added latency. */
  maxAgeMs: number;
  /** Whether the connection has a transaction open (better-sqlite3's `inTransaction`). */
  inTransaction: () => boolean;
  /** Called when the outer transaction ended (commit or rollback): the write lock is free again. */
  onRelease?: () => void;
}

const SAVEPOINT = 'leadhook_member';

class Group {
  members = 0;
  readonly openedAt = Date.now();
  readonly done: Promise<void>;
  resolve!: () => void;
  reject!: (error: unknown) => void;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Rejections are delivered to the members that wait; the group itself must not crash the process.
    this.done.catch(() => {});
  }
}

export class GroupCommitDriver implements Driver {
  private readonly waiters: Array<() => void> = [];
  private held = false;
  private group: Group | undefined;
  /** The group the current holder's statements belong to, whose COMMIT it must wait for. */
  private joined: Group | undefined;
  private lastError: unknown;
  /** The driver's connection while held; `connection` (one object, handed out each time) delegates to it. */
  private inner: DatabaseConnection | undefined;
  private readonly connection: DatabaseConnection = {
    executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
      try {
        return await this.inner!.executeQuery<R>(query);
      } catch (error) {
        this.lastError = error;
        throw error;
      }
    },
    streamQuery: (query, chunkSize) => this.inner!.streamQuery(query, chunkSize),
  };

  constructor(
    private readonly driver: Driver,
    private readonly options: GroupCommitOptions,
  ) {}

  init(): Promise<void> {
    return this.driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.held) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.held = true;
    try {
      this.inner = await this.driver.acquireConnection();
    } catch (error) {
      this.handOff();
      throw error;
    }
    this.joined = this.group;
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.group) {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      this.group = new Group();
    }
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${SAVEPOINT}`));
    this.joined = this.group;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${SAVEPOINT}`));
    if (this.group) this.group.members += 1;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // This caller's own error is what it reports; it has nothing in the group to wait for.
    this.joined = undefined;
    if (this.options.inTransaction()) {
      await connection.executeQuery(CompiledQuery.raw(`rollback to ${SAVEPOINT}`));
      await connection.executeQuery(CompiledQuery.raw(`release ${SAVEPOINT}`));
      return;
    }
    // SQLite ended the outer transaction itself: what the group's other members did is gone too.
    const group = this.group;
    this.group = undefined;
    if (group) this.options.onRelease?.();
    group?.reject(this.lastError ?? new Error('SQLite ended the transaction'));
  }

  async releaseConnection(): Promise<void> {
    const joined = this.joined;
    this.joined = undefined;
    const group = this.group;
    // Nobody waiting yet: one turn of the event loop first, so requests whose bytes already arrived
    // (I/O callbacks run before setImmediate's) can join this group instead of paying for a COMMIT
    // of their own. Bytes written per new lead 103–110 → 88–90 KB, API thread 361–424 → 314–380 µs.
    if (group && this.waiters.length === 0 && !this.complete(group)) await new Promise((resolve) => setImmediate(resolve));
    if (group && (this.waiters.length === 0 || this.complete(group))) {
      this.group = undefined;
      await this.commit(group);
    }
    const inner = this.inner!;
    this.inner = undefined;
    await this.driver.releaseConnection(inner);
    this.handOff();
    if (joined) await joined.done;
  }

  /** The group commits now, even with callers waiting: `maxMembers` strong or `maxAgeMs` old. */
  private complete(group: Group): boolean {
    return group.members >= this.options.maxMembers || Date.now() - group.openedAt >= this.options.maxAgeMs;
  }

  /** Commits what is still open (before a checkpoint or close). */
  async flush(): Promise<void> {
    await this.acquireConnection();
    this.joined = undefined;
    await this.releaseConnection();
  }

  async destroy(): Promise<void> {
    if (this.group) await this.flush();
    await this.driver.destroy();
  }

  private async commit(group: Group): Promise<void> {
    const connection = this.connection;
    try {
      if (!this.options.inTransaction()) throw this.lastError ?? new Error('SQLite ended the transaction');
      await connection.executeQuery(CompiledQuery.raw('commit'));
      this.options.onRelease?.();
      group.resolve();
    } catch (error) {
      if (this.options.inTransaction()) await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
      this.options.onRelease?.();
      group.reject(error);
    }
  }

  private handOff(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}
