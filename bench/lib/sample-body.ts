// The ~700-byte ClinchPad body (docs/SPEC.md §3) that every contender sends. leadhook builds its own
// body from a lead created through the API; the lead name is padded so that its body is the same
// size as the one the limit and the BullMQ baseline send.
import { randomBytes } from 'node:crypto';

export const LEAD_NAME_LENGTH = 350;

export function leadName(n: number): string {
  const prefix = `Bench lead ${n} `;
  return prefix + 'x'.repeat(Math.max(0, LEAD_NAME_LENGTH - prefix.length));
}

export function hexId(): string {
  return randomBytes(12).toString('hex');
}

/** A lead:created body shaped exactly like leadhook's, for the given ids. */
export function sampleBody(activityId: string, leadId: string, n: number): string {
  return JSON.stringify({
    activity: {
      _id: activityId,
      created_at: '2026-01-05T09:00:00Z',
      type: 'lead:created',
      user: { _id: '6960a0a0a1b2c3d4e5000001', name: 'Bench Owner', photo_url: null },
    },
    lead: {
      _id: leadId,
      name: leadName(n),
      stage: { _id: '6960a0a0a1b2c3d4e5000002', name: 'Lead In' },
      pipe: { _id: '6960a0a0a1b2c3d4e5000003', name: 'Default' },
    },
  });
}
