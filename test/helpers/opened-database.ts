// For the upgrade tests: a fresh database opened but not migrated. Apart from databases.ts because
// the bench imports that one, and this one registers node:test hooks.
import { after, before } from 'node:test';
import { openDatabase, type Database } from '../../src/storage/database.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

/**
 * A fresh database for this test file, opened but not migrated (the upgrade tests migrate it to an
 * old schema themselves with `migrate(database, upTo)`); closed and dropped after the file.
 */
export function useOpenedDatabase(dialect: 'sqlite' | 'postgres'): () => Database {
  let test: TestDatabase | undefined;
  let database: Database | undefined;
  before(async () => {
    test = await createTestDatabase(dialect);
    database = openDatabase({ databaseUrl: test.databaseUrl, dataDir: test.dataDir });
  });
  after(async () => {
    await database?.close();
    await test?.drop();
  });
  return () => {
    if (!database) throw new Error('useOpenedDatabase: the database is opened in before()');
    return database;
  };
}
