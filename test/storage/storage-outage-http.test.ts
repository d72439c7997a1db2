// What API clients and /readyz see while the database cannot answer (PostgreSQL behind a proxy
// that is cut) or cannot write (SQLite at its page limit): 503 with Retry-After, a failure kind
// and no address; one log line per outage; normal service once it is back.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pino from 'pino';
import { createAccount } from '../../src/accounts/accounts.service.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import { createApp } from '../../src/http/app.ts';
import { publicDetail } from '../../src/http/routes/health.ts';
import { createTestDatabase, DIALECTS, PG_ADMIN_URL, type TestDatabase } from '../helpers/databases.ts';
import { call } from '../helpers/harness.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

for (const dialect of DIALECTS) {
  describe(`storage outage over HTTP [${dialect}]`, () => {
    let database: TestDatabase;
    let proxy: TcpProxy | undefined;
    let ctx: AppContext;
    let app: FastifyInstance;
    let auth: Record<string, string>;
    let pipelineId: string;
    const logLines: Array<{ level: number; msg: string; kind?: string }> = [];

    before(async () => {
      database = await createTestDatabase(dialect);
      let databaseUrl = '';
      if (database.databaseUrl) {
        const admin = new URL(PG_ADMIN_URL);
        proxy = await startTcpProxy({ host: admin.hostname, port: Number(admin.port || 5432) });
        const url = new URL(database.databaseUrl);
        url.port = String(proxy.port);
        databaseUrl = url.toString();
      }
      const config = loadConfig({ LEADHOOK_DATA_DIR: database.dataDir, DATABASE_URL: databaseUrl, LEADHOOK_API_RATE_LIMIT: '0' });
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
          done();
        },
      });
      ctx = await createContext(config, { logger: pino({ level: 'info' }, sink) });
      app = await createApp(ctx);
      await app.ready();
      const created = await createAccount(ctx.db, { name: 'Outage', owner: { name: 'Owner', email: `outage-${process.pid}@example.test`, password: 'correct horse battery' } }, new Date());
      auth = { authorization: `Bearer ${created.apiKey}` };
      pipelineId = (await call(app, 'GET', '/pipelines', undefined, auth)).body[0]._id;
    });

    after(async () => {
      await app?.close();
      await ctx?.close();
      await proxy?.close();
      await database?.drop();
    });

    const createLead = () => call(app, 'POST', '/leads', { name: 'Outage lead', pipeline_id: pipelineId }, auth);

    function assertUnavailable(response: Awaited<ReturnType<typeof call>>, kind: RegExp) {
      assert.equal(response.status, 503, JSON.stringify(response.body));
      assert.equal(response.body.error.code, 'unavailable');
      assert.match(response.body.error.message, kind);
      assert.match(String(response.headers['retry-after']), /^[1-9]\d*$/);
      assertNoAddress(JSON.stringify(response.body));
    }

    function assertNoAddress(text: string) {
      assert.doesNotMatch(text, /127\.0\.0\.1|localhost|postgres:\/\/|::1/);
      if (proxy) assert.ok(!text.includes(String(proxy.port)), `no port in ${text}`);
      assert.ok(!text.includes(database.dataDir), `no path in ${text}`);
    }

    if (dialect === 'postgres') {
      it('answers 503 with Retry-After while PostgreSQL is unreachable, says so in /readyz without an address, and recovers', async () => {
        assert.equal((await createLead()).status, 201);
        await proxy!.cut();
        for (let i = 0; i < 5; i++) assertUnavailable(await createLead(), /database unreachable/);
        const ready = await call(app, 'GET', '/readyz');
        assert.equal(ready.status, 503);
        const check = ready.body.checks.find((c: { name: string }) => c.name === 'database');
        assert.deepEqual(check, { name: 'database', ok: false, detail: 'database unreachable (ECONNREFUSED)' });
        assertNoAddress(JSON.stringify(ready.body));

        await proxy!.restore();
        assert.equal((await createLead()).status, 201);
        assert.equal((await call(app, 'GET', '/readyz')).status, 200);
        const outageLines = logLines.filter((l) => l.kind === 'unreachable');
        assert.deepEqual(
          outageLines.map((l) => l.msg),
          ['database unreachable', 'database unreachable: recovered'],
          'one line when the outage starts, one when it ends, whatever the number of failed requests',
        );
      });
    }

    if (dialect === 'sqlite') {
      it('answers 503 with Retry-After when the disk is full, /readyz says so, and a later write clears it', async () => {
        assert.equal((await createLead()).status, 201);
        const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(ctx.db);
        await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(ctx.db);
        let response = await createLead();
        for (let i = 0; i < 200 && response.status === 201; i++) response = await createLead();
        assertUnavailable(response, /disk is full/);
        const ready = await call(app, 'GET', '/readyz');
        assert.equal(ready.status, 503);
        assert.deepEqual(ready.body.checks.find((c: { name: string }) => c.name === 'database'), {
          name: 'database',
          ok: false,
          detail: 'database disk is full (SQLITE_FULL)',
        });
        assertNoAddress(JSON.stringify(ready.body));
        assert.equal(logLines.filter((l) => l.kind === 'disk_full' && l.level === 50).length, 1);

        await sql.raw('pragma max_page_count = 1073741823').execute(ctx.db);
        assert.equal((await createLead()).status, 201);
        assert.equal((await call(app, 'GET', '/readyz')).status, 200);
      });
    }
  });
}

describe('what /readyz shows of other checks', () => {
  it('names a storage failure by its kind and cuts addresses out of other details', () => {
    assert.equal(publicDetail('connect ECONNREFUSED 127.0.0.1:54321'), 'database unreachable');
    assert.equal(publicDetail('Connection terminated unexpectedly'), 'database unreachable');
    assert.equal(publicDetail('database or disk is full (SQLITE_FULL)'), 'database disk is full');
    assert.equal(publicDetail('no health report from the delivery thread for 25 s'), 'no health report from the delivery thread for 25 s');
    const cut = publicDetail('could not reach postgres://app:secret@db.internal:5432/leadhook via 10.1.2.3:5432 or [fd00::1]:5432');
    assert.doesNotMatch(cut, /secret|db\.internal|10\.1\.2\.3|fd00/);
  });
});
