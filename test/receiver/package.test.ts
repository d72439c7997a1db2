import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
});
