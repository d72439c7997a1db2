import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Webhook } from 'standardwebhooks';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildReceiver } from '../../scripts/build-receiver.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'dist/receiver');

describe('leadhook/receiver as shipped', () => {
  before(async () => {
    await buildReceiver();
  });

  it('bundles only the kit, the catalogue and the schemas: nothing of the server', () => {
    const inputs = JSON.parse(fs.readFileSync(path.join(OUT, 'inputs.json'), 'utf8')) as string[];
    const outside = inputs.filter((file) => !file.startsWith('src/receiver/') && !['src/activities/catalogue.ts', 'src/activities/event-schemas.ts'].includes(file));
    assert.deepEqual(outside, []);
    const code = fs.readFileSync(path.join(OUT, 'index.js'), 'utf8');
    const imported = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]).sort();
    assert.deepEqual(imported, ['node:crypto', 'standardwebhooks']);
  });

  it('is importable by package name from plain Node, without a TypeScript loader', () => {
    const output = execFileSync(process.execPath, [path.join(ROOT, 'test/receiver/fixtures/consumer.mjs')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    const result = JSON.parse(output);
    assert.equal(result.verified, 'lead:won');
    assert.equal(result.schemas, 34);
    for (const name of ['verify', 'createDeduper', 'createNodeHandler', 'createExpressHandler', 'fastifyReceiver', 'allEventSchemas']) {
      assert.ok(result.exports.includes(name), name);
    }
  });

  it('ships declaration files whose imports resolve without .ts extensions', () => {
    const types = path.join(OUT, 'types/receiver/index.d.ts');
    const text = fs.readFileSync(types, 'utf8');
    assert.match(text, /from '\.\/verify\.js'/);
    assert.doesNotMatch(text, /\.ts'/);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.exports['./receiver'].types, './dist/receiver/types/receiver/index.d.ts');
    assert.ok(fs.existsSync(path.join(ROOT, pkg.exports['./receiver'].default)));
    assert.equal(pkg.bin.leadhook, 'bin/leadhook.js');
  });

  it('runs the example receiver with plain Node: a signed event is logged, a forged one refused', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const child = spawn(process.execPath, [path.join(ROOT, 'examples/receiver.mjs')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0', LEADHOOK_SECRET: secret },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const waitFor = async (pattern: RegExp) => {
      for (let i = 0; i < 100 && !pattern.test(output); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      return pattern.exec(output);
    };
    try {
      const port = (await waitFor(/"port":(\d+)/))?.[1];
      assert.ok(port, output);
      const body = JSON.stringify({ activity: { _id: 'a1', type: 'lead:moved', old_stage_name: 'Lead In', new_stage_name: 'Offer' }, lead: { name: 'Acme' } });
      const at = new Date();
      const headers = { 'content-type': 'application/json', 'webhook-id': 'm1', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)) };
      const good = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, headers: { ...headers, 'webhook-signature': new Webhook(secret).sign('m1', at, body) } });
      assert.equal(good.status, 200);
      assert.ok(await waitFor(/Acme: Lead In → Offer/), output);
      const forged = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, headers: { ...headers, 'webhook-id': 'm2', 'webhook-signature': 'v1,AAAA' } });
      assert.equal(forged.status, 401);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill();
        await exited;
      }
    }
  });
});
