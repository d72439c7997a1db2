// The write path's fixed SQL texts (src/storage/fixed-sql.ts): inserts store exactly what Kysely's
// builder would, in chunks, and refuse rows of another shape instead of shifting their values;
// fixed reads bind their parameters in order on both databases.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fixedRead, insertRows, insertStatement } from '../../src/storage/fixed-sql.ts';
import { migrate } from '../../src/storage/migrate.ts';
import { newDeliveryRow, type NewDelivery } from '../../src/delivery/store/rows.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useOpenedDatabase } from '../helpers/opened-database.ts';

const at = new Date('2026-11-30T12:00:00.000Z');

function delivery(i: number, accountId: string): NewDelivery {
  return newDeliveryRow(
    {
      account_id: accountId,
      webhook_id: `hook-${i % 3}`,
      activity_id: `activity-${accountId}-${i}`,
      type: 'lead:created',
      // Quotes, a question mark and a dollar sign must stay data, not SQL or placeholders.
      body: JSON.stringify({ n: i, text: `it's "${i}" ? $1 ünïcødé` }),
      is_test: 0,
      lead_id: i % 2 === 0 ? `lead-${i}` : null,
      lead_seq: i % 2 === 0 ? i : null,
      lead_prev_seq: i % 2 === 0 ? i - 1 : null,
    },
    at,
  );
}

for (const dialect of DIALECTS) {
  describe(`fixed-text inserts [${dialect}]`, () => {
    const database = useOpenedDatabase(dialect);
    before(async () => {
      await migrate(database());
    });

    const stored = (accountId: string) =>
      database().db.selectFrom('deliveries').selectAll().where('account_id', '=', accountId).orderBy('activity_id').execute();

    it('stores every row and every value, across several chunks', async () => {
      const rows = Array.from({ length: 1_203 }, (_, i) => delivery(i, 'acct-chunks'));
      await insertRows(database().db, 'deliveries', rows);
      const got = await stored('acct-chunks');
      assert.equal(got.length, rows.length);
      const byActivity = new Map(got.map((row) => [row.activity_id, row]));
      for (const row of rows) {
        const back = byActivity.get(row.activity_id) as Record<string, unknown> | undefined;
        assert.ok(back, row.activity_id);
        // PostgreSQL returns bigint columns as strings.
        for (const [column, value] of Object.entries(row)) assert.equal(typeof value === 'number' ? Number(back[column]) : back[column], value, `${row.activity_id}.${column}`);
      }
    });

    it('runs inside the caller’s transaction: a rollback takes the rows away too', async () => {
      await assert.rejects(
        database().db.transaction().execute(async (trx) => {
          await insertRows(trx, 'deliveries', [delivery(1, 'acct-rollback'), delivery(2, 'acct-rollback')]);
          assert.equal((await trx.selectFrom('deliveries').select('id').where('account_id', '=', 'acct-rollback').execute()).length, 2);
          throw new Error('undo');
        }),
        /undo/,
      );
      assert.equal((await stored('acct-rollback')).length, 0);
    });

    it('refuses rows of another shape, or with a missing value, and stores none of them', async () => {
      const { lead_id: _dropped, ...short } = delivery(2, 'acct-shape');
      await assert.rejects(insertRows(database().db, 'deliveries', [delivery(1, 'acct-shape'), short as NewDelivery]), /rows differ in their columns/);
      await assert.rejects(insertRows(database().db, 'deliveries', [{ ...delivery(3, 'acct-shape'), body: undefined as unknown as string }]), /has no body/);
      assert.equal((await stored('acct-shape')).length, 0);
    });

    it('reads with its parameters bound in order', async () => {
      await insertRows(database().db, 'deliveries', [delivery(1, 'acct-read'), delivery(2, 'acct-read'), delivery(3, 'acct-other')]);
      const read = fixedRead<{ activity_id: string; lead_seq: number | null }>(
        'select "activity_id", "lead_seq" from "deliveries" where "account_id" = ? and "webhook_id" = ? order by "activity_id"',
      );
      assert.deepEqual(await read(database().db, ['acct-read', 'hook-2']), [{ activity_id: 'activity-acct-read-2', lead_seq: 2 }]);
      assert.deepEqual(await read(database().db, ['hook-2', 'acct-read']), []);
    });
  });
}

describe('fixed-text insert statements', () => {
  it('numbers PostgreSQL placeholders from where the embedding statement wants them, row by row', () => {
    const rows = [delivery(1, 'a'), delivery(2, 'a')];
    const columns = Object.keys(rows[0]!).length;
    const { sql, parameters } = insertStatement('deliveries', rows, true, 4);
    assert.equal(parameters.length, 2 * columns);
    assert.deepEqual(parameters.slice(columns), Object.values(rows[1]!));
    assert.match(sql, /^insert into "deliveries" \("id", /);
    assert.ok(sql.includes(`($4, $5,`), sql);
    assert.ok(sql.includes(`$${4 + 2 * columns - 1})`), sql);
    assert.doesNotMatch(sql, new RegExp(`\\$(3|${4 + 2 * columns})(?!\\d)`));
  });

  it('uses anonymous placeholders on SQLite and keeps one text per shape', () => {
    const one = insertStatement('deliveries', [delivery(1, 'a'), delivery(2, 'a')], false);
    const again = insertStatement('deliveries', [delivery(3, 'b'), delivery(4, 'b')], false);
    assert.equal(one.sql.match(/\?/g)?.length, one.parameters.length);
    assert.ok(!one.sql.includes('$'));
    assert.equal(again.sql, one.sql);
    assert.notEqual(insertStatement('deliveries', [delivery(5, 'c')], false).sql, one.sql);
  });
});
