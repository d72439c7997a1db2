// A fresh database per leadhook run: a temporary folder for SQLite, or a new database on the local
// PostgreSQL (127.0.0.1:5432), dropped afterwards — also when the bench is interrupted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onCleanUp } from './processes.ts';

export type Dialect = 'sqlite' | 'postgres';

export const PG_ADMIN_URL = process.env.LEADHOOK_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  dialect: Dialect;
  dataDir: string;
  /** postgres://… or '' for SQLite (leadhook reads an empty DATABASE_URL as "SQLite"). */
  databaseUrl: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(dialect: Dialect): Promise<BenchDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadhook-bench-'));
  let dropped = false;
  let name: string | undefined;
  let databaseUrl = '';
  if (dialect === 'postgres') {
    name = `leadhook_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
    await adminQuery(`create database ${name}`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    if (name) await adminQuery(`drop database if exists ${name} with (force)`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  onCleanUp(drop);
  return { dialect, dataDir, databaseUrl, drop };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
