// What an inbox answers, the same over HTTP and in-process: 200 when recorded; 404 for an unknown
// token; 410 once expired (a webhook pointed at an expired inbox is disabled, as for any 410).
import type { RecordOutcome } from './record-request.ts';

export function answerFor(outcome: RecordOutcome): { status: number; body: Record<string, unknown> } {
  if (outcome.kind === 'recorded') return { status: 200, body: { recorded: true, request_id: outcome.id } };
  if (outcome.kind === 'expired') return { status: 410, body: { error: 'inbox_expired' } };
  return { status: 404, body: { error: 'inbox_not_found' } };
}
