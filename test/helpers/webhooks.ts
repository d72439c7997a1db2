// Shared steps of the webhook and delivery tests.
import type { Actor } from '../../src/activities/recorder.ts';
import type { ActivityChange } from '../../src/activities/catalogue.ts';
import type { Harness, TestAccount } from './harness.ts';

export const WEBHOOK_ENV = { LEADHOOK_ALLOW_PRIVATE_TARGETS: 'loopback' };

/** Retry jitter off: random() = 0.5 makes the jitter factor exactly 1. */
export const noJitter = () => ({ random: () => 0.5 });

export async function createWebhook(acct: TestAccount, body: Record<string, unknown>): Promise<{ _id: string; secret: string; [k: string]: unknown }> {
  const response = await acct.api('POST', '/webhooks', body);
  if (response.status !== 201) throw new Error(`webhook creation failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function createLead(acct: TestAccount, name = 'Acme'): Promise<{ _id: string; name: string; stage: { _id: string; name: string }; pipeline: { _id: string; name: string } }> {
  const pipe = await acct.pipeline();
  const response = await acct.api('POST', '/leads', { name, pipeline_id: pipe._id });
  if (response.status !== 201) throw new Error(`lead creation failed: ${response.status}`);
  return response.body;
}

export function actorOf(acct: TestAccount): Actor {
  return {
    accountId: acct.accountId,
    user: { _id: acct.userId, name: acct.ownerName, photo_url: null, email: 'owner@example.test', role: 'admin' },
  };
}

/** Records changes on a lead through the recorder, as a CRM service does. */
export async function record(h: Harness, acct: TestAccount, leadId: string, changes: ActivityChange[]) {
  return h.ctx.recorder.transaction((tx) => tx.record(actorOf(acct), leadId, changes));
}

export async function deliveriesOf(acct: TestAccount, webhookId: string): Promise<any[]> {
  return (await acct.api('GET', `/webhooks/${webhookId}/deliveries?size=500`)).body;
}
