// The write path's statements as fixed SQL texts. Kysely builds and compiles every statement
// afresh (a frozen node per value, then a visitor over them): for one activity's five deliveries
// that was most of Kysely's 12 % of the API thread under load. Here a text is made once and kept
// (an INSERT per table, column list and row count; a read written out once, `?` placeholders
// numbered for PostgreSQL), and only the parameters are collected per call; the same string object
// also lets the SQLite statement cache find its prepared statement without hashing a new text each
// time. Statements still run through Kysely's connection (the transaction, group commit, storage
// health), as `CompiledQuery`. The placeholder style (`?` or `$n`) is the one thing that differs;
// `isPostgres` reads it from the Kysely instance's adapter, so callers pass no dialect.
import { CompiledQuery, PostgresAdapter, type Insertable, type Kysely } from 'kysely';
import type { Schema } from './schema.ts';

/** Rows with the same own columns, as one constructor builds them (none undefined). */
export type Rows<T extends keyof Schema> = ReadonlyArray<Insertable<Schema[T]>>;

/** Rows for one table, in a list of inserts over several tables. */
export type TableRows = { [T in keyof Schema]: { table: T; rows: Rows<T> } }[keyof Schema];

/** Inserts each table's rows, in order. */
export async function insertEach(db: Kysely<Schema>, inserts: readonly TableRows[]): Promise<void> {
  for (const { table, rows } of inserts) await insertRows(db, table, rows as Rows<typeof table>);
}

/** SQLite allows 32,766 bound parameters; a chunk of 500 rows stays far below it up to 65 columns. */
const CHUNK_ROWS = 500;
const MAX_TEXTS = 1_000;
const texts = new Map<string, string>();

export function isPostgres(db: Kysely<Schema>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Inserts `rows` into `table` (any number, in chunks), inside whatever transaction `db` is. */
export async function insertRows<T extends keyof Schema>(db: Kysely<Schema>, table: T, rows: Rows<T>): Promise<void> {
  const postgres = isPostgres(db);
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    const { sql, parameters } = insertStatement(table, rows.slice(i, i + CHUNK_ROWS), postgres);
    await db.executeQuery(CompiledQuery.raw(sql, parameters));
  }
}

/**
 * The INSERT of `rows` (at least one, at most what one statement may bind) as text and parameters.
 * On PostgreSQL the placeholders start at `$firstParameter`, for a statement that embeds it.
 */
export function insertStatement<T extends keyof Schema>(table: T, rows: Rows<T>, postgres: boolean, firstParameter = 1): { sql: string; parameters: unknown[] } {
  const first = rows[0];
  if (first === undefined) throw new Error(`insert into ${table}: no rows`);
  const columns = Object.keys(first);
  const parameters: unknown[] = [];
  for (const row of rows as ReadonlyArray<Record<string, unknown>>) {
    // A row of another shape would bind its values to the wrong columns, or lose some.
    if (row !== first && Object.keys(row).length !== columns.length) throw new Error(`insert into ${table}: rows differ in their columns`);
    for (const column of columns) {
      const value = row[column];
      if (value === undefined) throw new Error(`insert into ${table}: a row has no ${column}`);
      parameters.push(value);
    }
  }
  const key = `${postgres ? firstParameter : 0}|${table}|${rows.length}|${columns.join(',')}`;
  let sql = texts.get(key);
  if (sql === undefined) {
    sql = insertText(table, columns, rows.length, postgres ? firstParameter : undefined);
    if (texts.size >= MAX_TEXTS) texts.clear();
    texts.set(key, sql);
  }
  return { sql, parameters };
}

function insertText(table: string, columns: string[], rowCount: number, firstParameter: number | undefined): string {
  let next = firstParameter ?? 0;
  const placeholder = () => (firstParameter === undefined ? '?' : `$${next++}`);
  const tuple = () => `(${columns.map(placeholder).join(', ')})`;
  const tuples = Array.from({ length: rowCount }, tuple);
  return `insert into ${quote(table)} (${columnList(columns)}) values ${tuples.join(', ')}`;
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** `"a", "b", …`: the columns of a statement, quoted (also for statements written around an insert). */
export const columnList = (columns: readonly string[]) => columns.map(quote).join(', ');

/**
 * A read written once as SQL with `?` placeholders (none inside literals), run as is on SQLite and
 * with `$1, $2, …` on PostgreSQL. For the few reads of the write path; everything else uses Kysely.
 */
export function fixedRead<Row>(text: string): (db: Kysely<Schema>, parameters: readonly unknown[]) => Promise<Row[]> {
  const run = fixedStatement(text);
  return async (db, parameters) => (await db.executeQuery<Row>(run(db, parameters))).rows;
}

/** A write written once, as `fixedRead`; resolves to the number of rows it changed. */
export function fixedWrite(text: string): (db: Kysely<Schema>, parameters: readonly unknown[]) => Promise<number> {
  const run = fixedStatement(text);
  return async (db, parameters) => Number((await db.executeQuery(run(db, parameters))).numAffectedRows ?? 0);
}

function fixedStatement(text: string): (db: Kysely<Schema>, parameters: readonly unknown[]) => CompiledQuery {
  let n = 0;
  const numbered = text.replace(/\?/g, () => `$${++n}`);
  return (db, parameters) => CompiledQuery.raw(isPostgres(db) ? numbered : text, [...parameters]);
}
