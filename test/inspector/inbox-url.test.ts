import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inboxTokenOf, inboxUrl, newInboxToken } from '../../src/inspector/inspector.ts';

const PUBLIC = 'https://leadhook.example.test';
const TOKEN = newInboxToken();

describe('recognising inbox URLs (the only URLs the delivery sender records in-process)', () => {
  it('accepts exactly the public origin, /inbox/, and a well-formed token', () => {
    assert.equal(inboxTokenOf(inboxUrl(PUBLIC, TOKEN), PUBLIC), TOKEN);
    assert.equal(inboxTokenOf(`${PUBLIC}:443/inbox/${TOKEN}`, PUBLIC), TOKEN, 'the default port is the same origin');
    assert.equal(inboxTokenOf(`https://app.example.test/lh/inbox/${TOKEN}`, 'https://app.example.test/lh'), TOKEN);
  });

  it('refuses every other URL', () => {
    for (const url of [
      `http://leadhook.example.test/inbox/${TOKEN}`,
      `https://leadhook.example.test:8443/inbox/${TOKEN}`,
      `https://evil.example.test/inbox/${TOKEN}`,
      `https://leadhook.example.test.evil.test/inbox/${TOKEN}`,
      `https://user:pw@leadhook.example.test/inbox/${TOKEN}`,
      `https://leadhook.example.test/inbox/${TOKEN}?x=1`,
      `https://leadhook.example.test/inbox/${TOKEN}/more`,
      `https://leadhook.example.test/inbox/short`,
      `https://leadhook.example.test/other/${TOKEN}`,
      'not a url',
    ]) {
      assert.equal(inboxTokenOf(url, PUBLIC), undefined, url);
    }
  });
});
