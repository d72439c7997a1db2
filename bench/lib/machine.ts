// What the figures were measured on, printed above the table and stored in the JSON.
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { PG_ADMIN_URL } from './databases.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  redis: string;
  sqlite: string;
}

export async function describeMachine(): Promise<Machine> {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: await postgresVersion(),
    redis: redisVersion(),
    sqlite: await sqliteVersion(),
  };
}

async function postgresVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>('show server_version');
    return result.rows[0]?.server_version ?? 'unknown';
  } catch (error) {
    return `unreachable (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

function redisVersion(): string {
  try {
    const info = execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'info', 'server'], { encoding: 'utf8', timeout: 5_000 });
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch {
    return 'unknown (redis-cli failed)';
  }
}

async function sqliteVersion(): Promise<string> {
  const { default: SqliteDatabase } = await import('better-sqlite3');
  const db = new SqliteDatabase(':memory:');
  try {
    return (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}
