// Migration 014 on a database that already has users (as an upgrade finds it): the users survive
// the SQLite table rebuild, emails become unique per account instead of across accounts, and keys
// gain `revoked_at` without losing anything.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { migrate } from '../../src/storage/migrate.ts';
import type { Schema } from '../../src/storage/schema.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useOpenedDatabase } from '../helpers/opened-database.ts';

const user = (id: string, accountId: string, email: string) => ({
  id, account_id: accountId, name: `User ${id}`, email, photo_url: null, role: 'admin', password_hash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==', created_at: 1,
});

for (const dialect of DIALECTS) {
  describe(`migration 014 on existing data [${dialect}]`, () => {
    const opened = useOpenedDatabase(dialect);

    it('keeps users and keys, adds disabled/revoked_at, and makes emails unique per account only', async () => {
      const database = opened();
      await migrate(database, '003-delivery-claim-indexes');
      const db = database.db as unknown as Kysely<any>;
      await db.insertInto('accounts').values([{ id: 'a'.repeat(24), name: 'A', created_at: 1 }, { id: 'b'.repeat(24), name: 'B', created_at: 1 }]).execute();
      await db.insertInto('users').values([user('1'.repeat(24), 'a'.repeat(24), 'ann@example.test'), user('2'.repeat(24), 'b'.repeat(24), 'bob@example.test')]).execute();
      await db.insertInto('api_keys').values({ id: 'k'.repeat(24), account_id: 'a'.repeat(24), user_id: '1'.repeat(24), key_hash: 'h', prefix: 'lh_abcdefg', name: 'default', created_at: 1, last_used_at: null }).execute();
      await assert.rejects(db.insertInto('users').values(user('3'.repeat(24), 'b'.repeat(24), 'ann@example.test')).execute(), 'unique across accounts before');

      assert.ok((await migrate(database)).includes('014-account-control'), 'an upgrade from 003 runs 014 (with the other new migrations)');
      const typed = database.db as Kysely<Schema>;
      const users = await typed.selectFrom('users').selectAll().orderBy('id').execute();
      assert.deepEqual(users.map((u) => [u.id, u.email, u.password_hash, Number(u.disabled)]), [
        ['1'.repeat(24), 'ann@example.test', user('', '', '').password_hash, 0],
        ['2'.repeat(24), 'bob@example.test', user('', '', '').password_hash, 0],
      ]);
      const key = await typed.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow();
      assert.equal(key.revoked_at, null);
      assert.equal(key.name, 'default');

      await db.insertInto('users').values({ ...user('3'.repeat(24), 'b'.repeat(24), 'ann@example.test'), disabled: 0 }).execute();
      await assert.rejects(
        db.insertInto('users').values({ ...user('4'.repeat(24), 'b'.repeat(24), 'ann@example.test'), disabled: 0 }).execute(),
        'still unique within an account',
      );
      assert.equal((await typed.selectFrom('users').select('id').where('email', '=', 'ann@example.test').execute()).length, 2);
    });
  });
}
