// Wraps a Kysely dialect's driver, for both databases:
// - every statement's and connect's outcome goes to StorageHealth (outage logging, /readyz);
// - a failed ROLLBACK never replaces the error that caused it. Kysely rolls back when a
//   transaction's callback throws and rethrows what the rollback threw, if anything: SQLite rolls a
//   transaction back by itself on SQLITE_FULL (and some I/O errors), so the ROLLBACK then fails
//   with "cannot rollback - no transaction is active", and on PostgreSQL a dead connection fails
//   the ROLLBACK too. The original error is what says what happened; it is the one thrown.
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely';
import type { StorageHealth } from './storage-health.ts';

interface ConnectionState {
  inTransaction: boolean;
  wrote: boolean;
}

const WRITE_KINDS = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);
const WRITE_SQL = /^\s*(insert|update|delete|merge|replace)\b/i;

function isWrite(query: CompiledQuery): boolean {
  return WRITE_KINDS.has(query.query.kind) || WRITE_SQL.test(query.sql);
}

export function observeDialect(dialect: Dialect, health: StorageHealth): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => observeDriver(dialect.createDriver(), health),
  };
}

function observeDriver(driver: Driver, health: StorageHealth): Driver {
  const states = new WeakMap<DatabaseConnection, ConnectionState>();

  /** Patches the connection in place, once: the drivers hand out the same object again. */
  const observe = (connection: DatabaseConnection): DatabaseConnection => {
    if (states.has(connection)) return connection;
    const state: ConnectionState = { inTransaction: false, wrote: false };
    states.set(connection, state);
    const execute = connection.executeQuery.bind(connection);
    connection.executeQuery = async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
      try {
        const result = await execute<R>(query);
        const write = isWrite(query);
        if (state.inTransaction) {
          state.wrote ||= write;
          health.succeeded(false);
        } else health.succeeded(write);
        return result;
      } catch (error) {
        health.failed(error);
        throw error;
      }
    };
    return connection;
  };

  // Kysely calls the driver's methods with `this` = the driver: bind the originals.
  const original = {
    acquire: driver.acquireConnection.bind(driver),
    begin: driver.beginTransaction.bind(driver),
    commit: driver.commitTransaction.bind(driver),
    rollback: driver.rollbackTransaction.bind(driver),
  };
  driver.acquireConnection = async () => {
    try {
      return observe(await original.acquire());
    } catch (error) {
      health.failed(error);
      throw error;
    }
  };
  driver.beginTransaction = async (connection, settings) => {
    await original.begin(connection, settings);
    const state = states.get(connection);
    if (state) Object.assign(state, { inTransaction: true, wrote: false });
  };
  driver.commitTransaction = async (connection) => {
    const state = states.get(connection);
    await original.commit(connection);
    if (state) {
      if (state.wrote) health.succeeded(true);
      Object.assign(state, { inTransaction: false, wrote: false });
    }
  };
  driver.rollbackTransaction = async (connection) => {
    const state = states.get(connection);
    if (state) Object.assign(state, { inTransaction: false, wrote: false });
    try {
      await original.rollback(connection);
    } catch {
      // Kysely rethrows the transaction's own error after this; the pg driver has already
      // discarded a connection whose ROLLBACK failed, and SQLite skips a ROLLBACK with no
      // transaction open (sqlite-dialect.ts).
    }
  };
  return driver;
}
