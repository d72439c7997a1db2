// The texts of the emails to a webhook's creator (docs/SPEC.md §4): an error summary (count, last error,
// a link to the Error Log), a "webhook disabled" notice, a "re-enabled by self-heal" notice, and a
// "self-heal stopped probing" notice when the probing period ends without a 2xx.
import { isoSeconds } from '../shared/clock.ts';
import type { MailMessage } from './mailer.ts';

export interface WebhookEmailFacts {
  kind: 'errors' | 'disabled' | 'healed' | 'gave_up';
  accountId: string;
  webhookId: string;
  url: string;
  to: string;
  errorCount: number;
  lastError: { at: number; type: string; attempt: number; category: string | null; status: number | null; message: string | null } | null;
  disabledReason: string | null;
  /** For `healed`: the probe that answered 2xx, and what was queued again. */
  healed?: { at: number; probe: number; status: number | null; replayed: number; recovered: number };
  /** For `gave_up`: when the last probe failed, how many were sent, and when probing began. */
  gaveUp?: { at: number; probes: number; since: number };
}

export function webhookEmail(facts: WebhookEmailFacts, publicUrl: string): MailMessage {
  const link = `${publicUrl}/#/webhooks/${facts.webhookId}`;
  const last = facts.lastError;
  const lastLines = last
    ? [
        'Last error:',
        `  time:     ${isoSeconds(new Date(last.at))}`,
        `  activity: ${last.type} (attempt ${last.attempt})`,
        `  category: ${last.category ?? 'unknown'}`,
        `  status:   ${last.status ?? '-'}`,
        `  message:  ${last.message ?? '-'}`,
      ]
    : [];
  if (facts.kind === 'healed' && facts.healed) {
    const h = facts.healed;
    return {
      accountId: facts.accountId,
      webhookId: facts.webhookId,
      to: facts.to,
      subject: `leadhook: webhook re-enabled — ${facts.url}`,
      text: [
        `Your webhook ${facts.url} answered a self-heal probe and has been re-enabled.`,
        `Probe ${h.probe} at ${isoSeconds(new Date(h.at))} answered ${h.status ?? '2xx'}.`,
        '',
        `Missed activities queued again (replay missing): ${h.replayed}`,
        `Failed deliveries queued again (recover): ${h.recovered}`,
        '',
        `Webhook: ${link}`,
      ].join('\n'),
    };
  }
  if (facts.kind === 'gave_up' && facts.gaveUp) {
    const g = facts.gaveUp;
    return {
      accountId: facts.accountId,
      webhookId: facts.webhookId,
      to: facts.to,
      subject: `leadhook: stopped probing, webhook stays disabled — ${facts.url}`,
      text: [
        `Your webhook ${facts.url} did not answer any self-heal probe with a 2xx, so leadhook stopped probing it.`,
        `${g.probes} probes between ${isoSeconds(new Date(g.since))} and ${isoSeconds(new Date(g.at))}; the webhook stays disabled.`,
        `Reason: ${facts.disabledReason ?? 'unknown'}`,
        '',
        'Fix the endpoint, then re-enable the webhook and use "Replay what was missed?" (replay-missing and recover) to send what it missed.',
        `Webhook: ${link}`,
      ].join('\n'),
    };
  }
  if (facts.kind === 'disabled') {
    return {
      accountId: facts.accountId,
      webhookId: facts.webhookId,
      to: facts.to,
      subject: `leadhook: webhook disabled — ${facts.url}`,
      text: [
        `Your webhook ${facts.url} has been disabled.`,
        `Reason: ${facts.disabledReason ?? 'unknown'}`,
        '',
        `Failed attempts since the last email: ${facts.errorCount}`,
        ...lastLines,
        '',
        'Pending deliveries were marked failed. Re-enable the webhook and use "Replay what was missed?" (replay-missing and recover) to send what it missed.',
        `Error log: ${link}`,
      ].join('\n'),
    };
  }
  return {
    accountId: facts.accountId,
    webhookId: facts.webhookId,
    to: facts.to,
    subject: `leadhook: ${facts.errorCount} failed webhook ${facts.errorCount === 1 ? 'delivery' : 'deliveries'} — ${facts.url}`,
    text: [
      `Deliveries to your webhook ${facts.url} are failing.`,
      `Failed attempts since the last email: ${facts.errorCount}`,
      ...lastLines,
      '',
      'leadhook retries on its schedule; you will get at most one summary per interval.',
      `Error log: ${link}`,
    ].join('\n'),
  };
}
