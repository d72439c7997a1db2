// PostgreSQL's named statements (src/storage/prepared-statements.ts): a text seen twice is prepared
// once per connection and reused; each connection keeps a bounded number, deallocating the least
// recently used; statements without parameters stay unnamed. Read from the server's own
// pg_prepared_statements view, on the same connection. PostgreSQL only: SQLite's counterpart is
// statement-cache.ts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { PLANNED_EACH_TIME, PreparingClient } from '../../src/storage/prepared-statements.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/databases.ts';

describe('named statements on PostgreSQL', { skip: !DIALECTS.includes('postgres') && 'PostgreSQL is not among the test dialects' }, () => {
  let test: TestDatabase;
  let client: PreparingClient;
  const capacity = PreparingClient.capacity;

  before(async () => {
    test = await createTestDatabase('postgres');
    PreparingClient.capacity = 3;
    client = new PreparingClient({ connectionString: test.databaseUrl });
    await client.connect();
  });
  after(async () => {
    PreparingClient.capacity = capacity;
    await client.end();
    await test.drop();
  });

  // A text no other test has run in this process (the count of texts seen is process-wide).
  const unique = (sql: string) => `${sql} -- ${randomBytes(6).toString('hex')}`;
  // Through pg.Client's own typings: PreparingClient.query only forwards to them.
  const plain = (): pg.Client => client;
  const prepared = async () =>
    (await plain().query<{ statement: string }>('select statement from pg_prepared_statements')).rows.map((r) => r.statement);
  const run = async (text: string, n: number) => (await plain().query<{ n: number }>(text, [n])).rows[0]!.n;

  it('prepares a text the second time it is seen, and reuses it', async () => {
    const text = unique('select $1::int + 1 as n');
    assert.equal(await run(text, 1), 2);
    assert.deepEqual((await prepared()).filter((s) => s === text), [], 'a text seen once is not prepared');
    assert.equal(await run(text, 2), 3);
    assert.equal(await run(text, 3), 4);
    assert.deepEqual((await prepared()).filter((s) => s === text), [text], 'prepared once, then reused');
  });

  it('keeps at most `capacity` per connection, dropping the least recently used', async () => {
    const texts = [1, 2, 3, 4].map((i) => unique(`select $1::int * ${i} as n`));
    for (const text of texts) for (let i = 0; i < 2; i++) await run(text, 5);
    const now = await prepared();
    assert.equal(now.length, 3);
    assert.ok(!now.includes(texts[0]!), 'the least recently used text was deallocated');
    for (const text of texts.slice(1)) assert.ok(now.includes(text));
    // The dropped text is prepared again, under a new name, and answers correctly.
    assert.equal(await run(texts[0]!, 7), 7);
    const after = await prepared();
    assert.ok(after.includes(texts[0]!));
    assert.equal(after.length, 3);
  });

  it('prepares a statement again after a migration changed what it returns', async () => {
    await plain().query('create table migrated (id int primary key)');
    await plain().query('insert into migrated values (1)');
    const text = unique('select * from migrated where id = $1');
    for (let i = 0; i < 2; i++) assert.deepEqual((await plain().query(text, [1])).rows, [{ id: 1 }]);
    await plain().query('alter table migrated add column extra int');
    await assert.rejects(plain().query(text, [1]), /cached plan must not change result type/);
    assert.deepEqual((await plain().query(text, [1])).rows, [{ id: 1, extra: null }]);
  });

  it('leaves a text marked to be planned each time unnamed, however often it runs', async () => {
    const text = unique(`${PLANNED_EACH_TIME} select $1::int + 2 as n`);
    for (let i = 0; i < 3; i++) assert.equal(await run(text, i), i + 2);
    assert.ok(!(await prepared()).includes(text));
  });

  it('leaves statements without parameters unnamed', async () => {
    const text = unique('select 41 + 1 as n');
    for (let i = 0; i < 3; i++) assert.equal((await plain().query<{ n: number }>(text)).rows[0]!.n, 42);
    assert.ok(!(await prepared()).includes(text));
  });

  it('keeps working after an eviction inside an aborted transaction', async () => {
    const texts = [1, 2, 3, 4].map((i) => unique(`select $1::int - ${i} as n`));
    for (const text of texts.slice(0, 3)) for (let i = 0; i < 2; i++) await run(text, 10);
    await client.query('begin');
    await assert.rejects(client.query('select 1/0'));
    // Preparing a fourth text evicts one; its DEALLOCATE and the statement fail with the transaction.
    await assert.rejects(run(texts[3]!, 10));
    await assert.rejects(run(texts[3]!, 10));
    await client.query('rollback');
    for (const [i, text] of texts.entries()) {
      assert.equal(await run(text, 10), 10 - (i + 1));
      assert.equal(await run(text, 20), 20 - (i + 1));
    }
  });
});
