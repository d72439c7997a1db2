// Deliveries to an inspector inbox never leave the process: this decorator of the delivery
// sender recognises `${publicUrl}/inbox/<token>` and records the request directly, answering as
// the public route would. Every other URL goes to the wrapped sender and its address guard
// unchanged, so the guard gains no exception (docs/RECEIVING.md).
import type { Kysely } from 'kysely';
import type { SendInput, SendResult, Sender } from '../delivery/send-request.ts';
import type { Clock } from '../shared/clock.ts';
import type { Schema } from '../storage/schema.ts';
import { inboxTokenOf } from './inspector.ts';
import { recordInboxRequest } from './record-request.ts';
import { answerFor } from './inbox-answer.ts';

export interface InboxSenderDeps {
  db: Kysely<Schema>;
  clock: Clock;
  publicUrl: string;
}

/** `https://host:port/` of the public URL, or undefined when it does not parse (no inbox matches). */
function originPrefix(publicUrl: string): string | undefined {
  try {
    return `${new URL(publicUrl).origin}/`;
  } catch {
    return undefined;
  }
}

export function withInspectorInboxes(sender: Sender, deps: InboxSenderDeps): Sender {
  // Every delivery passes here: a string test first (webhook URLs are stored in their WHATWG
  // serialisation, so a same-origin URL starts with this exact text), the URL parse only for those.
  const prefix = originPrefix(deps.publicUrl);
  async function send(input: SendInput): Promise<SendResult> {
    if (prefix === undefined || !input.url.startsWith(prefix)) return sender.send(input);
    const token = inboxTokenOf(input.url, deps.publicUrl);
    if (token === undefined) return sender.send(input);
    const started = performance.now();
    try {
      const outcome = await recordInboxRequest(deps.db, token, { method: 'POST', headers: input.headers, body: input.body, source: 'delivery' }, deps.clock.now());
      const answer = answerFor(outcome);
      return {
        ok: true,
        response: { status: answer.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(answer.body), truncated: false },
        durationMs: Math.round(performance.now() - started),
        remoteAddress: null,
      };
    } catch (error) {
      return { ok: false, error, durationMs: Math.round(performance.now() - started), remoteAddress: null, timedOut: false, interrupted: false };
    }
  }
  return { send, close: () => sender.close() };
}
