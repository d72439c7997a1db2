import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../helpers/databases.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/leadhook.js', import.meta.url).pathname;

function envFor(db: TestDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, LEADHOOK_DATA_DIR: db.dataDir, DATABASE_URL: db.databaseUrl ?? '', LOG_LEVEL: 'info', ...extra };
}

/** Starts `leadhook serve` on a free port and resolves with its URL once it listens. */
async function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start in 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'leadhook is listening' && entry.url) {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });
  return { child, url };
}

for (const dialect of DIALECTS) {
  describe(`leadhook command [${dialect}]`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase(dialect);
    });
    after(async () => db.drop());

    it('creates an account while a server runs on the same database, and the key works at once', async () => {
      const { child, url } = await startServer(envFor(db));
      try {
        const { stdout } = await run(
          process.execPath,
          [BIN, 'account', 'create', '--name', 'Acme', '--owner-name', 'Ada', '--owner-email', `ada-${dialect}@example.com`, '--password', 'a long password', '--json'],
          { env: envFor(db) },
        );
        const created = JSON.parse(stdout) as { account_id: string; user_id: string; api_key: string };
        assert.deepEqual(Object.keys(created), ['account_id', 'user_id', 'api_key']);
        assert.match(created.account_id, /^[0-9a-f]{24}$/);
        const basic = Buffer.from(`api-key:${created.api_key}`).toString('base64');
        const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Basic ${basic}` } });
        assert.equal(me.status, 200);
        assert.deepEqual(await me.json(), {
          _id: created.user_id,
          name: 'Ada',
          email: `ada-${dialect}@example.com`,
          photo_url: null,
          role: 'admin',
          disabled: false,
        });
        const ready = await fetch(`${url}/readyz`);
        assert.equal(ready.status, 200);
      } finally {
        child.kill('SIGTERM');
        const [code] = await once(child, 'exit');
        assert.equal(code, 0, 'SIGTERM shuts the server down cleanly');
      }
    });

    it('migrates an up-to-date database without changes', async () => {
      const { stdout } = await run(process.execPath, [BIN, 'migrate'], { env: envFor(db) });
      assert.match(stdout, /database is up to date|applied: 001-initial/);
    });
  });
}

describe('leadhook command: configuration errors', () => {
  it('refuses to start and lists every problem', async () => {
    const result = await run(process.execPath, [BIN, 'migrate'], {
      env: { ...process.env, PORT: 'x', LEADHOOK_RETRY_JITTER: '7' },
    }).then(
      () => assert.fail('migrate should fail'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(result.code, 2);
    assert.match(result.stderr, /PORT must be an integer/);
    assert.match(result.stderr, /LEADHOOK_RETRY_JITTER must be a number between 0 and 1/);
  });
});
