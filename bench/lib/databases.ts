// A fresh database per leadhook run — a temporary folder for SQLite, or a new database on the local
// PostgreSQL (127.0.0.1:5432) — made by the tests' own helper, dropped afterwards, also when the
// bench is interrupted.
import { createTestDatabase } from '../../test/helpers/databases.ts';
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
  const fresh = await createTestDatabase(dialect, { prefix: 'leadhook_bench', adminUrl: PG_ADMIN_URL });
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await fresh.drop();
  };
  onCleanUp(drop);
  return { dialect, dataDir: fresh.dataDir, databaseUrl: fresh.databaseUrl ?? '', drop };
}
