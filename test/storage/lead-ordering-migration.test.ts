// Migration 018 on a database that already has leads and activities (as an upgrade finds it):
// every activity gets its number within its lead in recording (`seq`) order, and each lead's
// counter continues from its last number.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { migrate } from '../../src/storage/migrate.ts';
import type { Schema } from '../../src/storage/schema.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useOpenedDatabase } from '../helpers/opened-database.ts';

const ACCOUNT = 'a'.repeat(24);
const lead = (id: string) => ({ id, account_id: ACCOUNT, name: id, size: null, pipeline_id: 'p'.repeat(24), stage_id: 's'.repeat(24), user_id: null, status: 'open', archived: 0, created_at: 1, updated_at: 1 });
const activity = (n: number, leadId: string) => ({
  id: String(n).padStart(24, '0'), account_id: ACCOUNT, lead_id: leadId, type: 'note:created', user_id: 'u'.repeat(24), created_at: n, activity_json: '{}', lead_json: '{}',
});

for (const dialect of DIALECTS) {
  describe(`migration 018 on existing data [${dialect}]`, () => {
    const opened = useOpenedDatabase(dialect);

    it('numbers existing activities per lead in recording order and continues each lead’s counter', async () => {
      const database = opened();
      await migrate(database, '003-delivery-claim-indexes');
      const db = database.db as unknown as Kysely<any>;
      const [one, two, idle] = ['1'.repeat(24), '2'.repeat(24), '3'.repeat(24)];
      await db.insertInto('leads').values([lead(one), lead(two), lead(idle)]).execute();
      // Recorded in this order: one, two, one, one, two (seq ascending).
      for (const [n, leadId] of [[1, one], [2, two], [3, one], [4, one], [5, two]] as const) await db.insertInto('activities').values(activity(n, leadId)).execute();

      assert.ok((await migrate(database)).includes('018-lead-ordering'));
      const typed = database.db as Kysely<Schema>;
      const numbered = await typed.selectFrom('activities').select(['created_at', 'lead_seq']).orderBy('seq').execute();
      assert.deepEqual(numbered.map((a) => [Number(a.created_at), Number(a.lead_seq)]), [[1, 1], [2, 1], [3, 2], [4, 3], [5, 2]]);
      const counters = await typed.selectFrom('leads').select(['id', 'activity_seq']).orderBy('id').execute();
      assert.deepEqual(counters.map((l) => [l.id, Number(l.activity_seq)]), [[one, 3], [two, 2], [idle, 0]]);
    });
  });
}
