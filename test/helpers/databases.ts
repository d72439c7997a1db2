// A fresh database per test file and dialect (the benchmark makes its own with it too): a temporary SQLite folder, or a new PostgreSQL
// database on the local server (dropped afterwards), so runs never see each other's data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DIALECTS = (process.env.LEADHOOK_TEST_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;

export const PG_ADMIN_URL = process.env.LEADHOOK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  dataDir: string;
  databaseUrl: string | undefined;
  drop(): Promise<void>;
}

export interface FreshDatabaseOptions {
  /** Prefix of the temporary folder and of the PostgreSQL database name. */
  prefix?: string;
  /** A PostgreSQL URL allowed to create and drop databases. */
  adminUrl?: string;
}

export async function createTestDatabase(
  dialect: 'sqlite' | 'postgres',
  { prefix = 'leadhook_test', adminUrl = PG_ADMIN_URL }: FreshDatabaseOptions = {},
): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix.replace(/_/g, '-')}-`));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') return { dataDir, databaseUrl: undefined, drop: async () => removeDir() };

  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    dataDir,
    databaseUrl: url.toString(),
    drop: async () => {
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
      removeDir();
    },
  };
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
