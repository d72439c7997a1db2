// docs/SPEC.md §9 "random and malformed API input: no 5xx, no crash". A seeded, bounded loop of random
// bodies (and raw malformed text) against the write routes; every answer must be below 500 and in
// the error format when it is an error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { newLead, ok } from './fixtures.ts';

/** mulberry32: a tiny seeded PRNG, so a failure replays with the same inputs. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['name', 'type', 'date', 'time', 'done', 'content', 'value', 'subject', 'from', 'to', 'body', 'filename', 'url', 'quantity', 'price', 'email', 'status', 'size', '__proto__', 'constructor'];
const STRINGS = ['', ' ', 'Call', 'Email', '2026-02-29', '2024-02-29', '9:30 AM', '12:00 PM', 'https://example.com/a', 'javascript:x', '\u0000', '\ud800', 'é'.repeat(300), 'x'.repeat(6000), '{"a":1}', 'null'];

function value(rand: () => number, depth: number): unknown {
  const pick = Math.floor(rand() * 9);
  if (pick === 0) return null;
  if (pick === 1) return rand() < 0.5;
  if (pick === 2) return [0, -1, 1.5, 1e308, -1e308, 2 ** 53, Number.MIN_VALUE][Math.floor(rand() * 7)];
  if (pick <= 5) return STRINGS[Math.floor(rand() * STRINGS.length)];
  if (pick === 6 && depth < 2) return Array.from({ length: Math.floor(rand() * 3) }, () => value(rand, depth + 1));
  if (pick === 7 && depth < 2) return object(rand, depth + 1);
  return 'Task';
}

function object(rand: () => number, depth = 0): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const count = Math.floor(rand() * 5);
  for (let i = 0; i < count; i++) result[KEYS[Math.floor(rand() * KEYS.length)]!] = value(rand, depth);
  return result;
}

const RAW = ['', '{', '[]', '"text"', '42', 'null', '{"name":', '\u0000\u0001', '{"name":"x"}}'];

for (const dialect of DIALECTS) {
  describe(`fuzzing the write routes [${dialect}]`, () => {
    const h = useHarness(dialect);

    it('never answers 5xx to 300 random or malformed bodies', async () => {
      const acct = await h().account();
      const lead = await newLead(acct);
      const L = `/leads/${lead._id}`;
      const todo = await ok(acct, 'POST', `${L}/todos`, { name: 'Call', type: 'Call' });
      const note = await ok(acct, 'POST', `${L}/notes`, { content: 'n' });
      const field = await ok(acct, 'POST', `${L}/fields`, { name: 'f', value: 'v' });
      const product = await ok(acct, 'POST', '/products', { name: 'p' });
      const contact = await ok(acct, 'POST', '/contacts', { name: 'c' });
      const routes: Array<[string, string]> = [
        ['POST', `${L}/todos`],
        ['PUT', `${L}/todos/${todo._id}`],
        ['POST', `${L}/notes`],
        ['PUT', `${L}/notes/${note._id}`],
        ['POST', `${L}/fields`],
        ['PUT', `${L}/fields/${field._id}`],
        ['POST', `${L}/emails`],
        ['POST', `${L}/attachments`],
        ['POST', '/contacts'],
        ['PUT', `/contacts/${contact._id}`],
        ['POST', '/products'],
        ['PUT', `${L}/products/${product._id}`],
        ['PUT', `${L}/contacts/${contact._id}`],
        ['PUT', L],
      ];
      const rand = random(20260105);
      for (let i = 0; i < 300; i++) {
        const [method, url] = routes[Math.floor(rand() * routes.length)]!;
        const body = rand() < 0.15 ? RAW[Math.floor(rand() * RAW.length)]! : object(rand);
        const response = await acct.api(method, url, body);
        assert.ok(response.status < 500, `#${i} ${method} ${url} ${JSON.stringify(body).slice(0, 200)} → ${response.status} ${JSON.stringify(response.body)}`);
        if (response.status >= 400) assert.deepEqual(Object.keys(response.body.error), ['code', 'message', 'details'], `#${i}`);
      }
      // The API still works and the lead is intact.
      assert.equal((await ok(acct, 'GET', L))._id, lead._id);
    });
  });
}
