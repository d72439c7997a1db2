// "See what your webhook will receive": records into an inbox one request per event type the
// attached webhook subscribes to, with the example data of `GET /event-types`, the webhook's
// handshake key and its real signature, exactly as the delivery worker would send them.
import type { Kysely } from 'kysely';
import { describeEventTypes } from '../activities/event-types.ts';
import { composeWebhookBody } from '../activities/payload.ts';
import { signatureHeader } from '../delivery/sign.ts';
import { isoSeconds } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { Schema } from '../storage/schema.ts';
import { VERSION } from '../version.ts';
import { getWebhook } from '../webhooks/webhooks.repository.ts';
import { parseEvents, wantsEvent } from '../delivery/event-filter.ts';
import type { InspectorInboxRow } from './inspector.tables.ts';
import { recordInboxRequest } from './record-request.ts';

export async function recordSamples(db: Kysely<Schema>, inbox: InspectorInboxRow, now: Date): Promise<number> {
  if (!inbox.webhook_id) throw new AppError('conflict', 'Attach the inbox to a webhook (webhook_id) to record samples');
  const webhook = await getWebhook(db, inbox.account_id, inbox.webhook_id);
  const events = parseEvents(webhook.events);
  let recorded = 0;
  for (const type of describeEventTypes().filter((t) => wantsEvent(events, t.type))) {
    const id = newId(now);
    const activity = { ...type.example.activity, _id: id, created_at: isoSeconds(now) };
    const body = composeWebhookBody(JSON.stringify(activity), JSON.stringify(type.example.lead), webhook.handshake_key);
    const secrets = { secret: webhook.secret, previousSecret: webhook.previous_secret, previousSecretExpiresAt: webhook.previous_secret_expires_at };
    const headers = {
      'content-type': 'application/json',
      'user-agent': `leadhook/${VERSION}`,
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signatureHeader(secrets, id, now, body),
    };
    const outcome = await recordInboxRequest(db, inbox.token, { method: 'POST', headers, body, source: 'sample' }, now);
    if (outcome.kind === 'recorded') recorded += 1;
  }
  return recorded;
}
