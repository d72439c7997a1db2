// The worker's self-healing probes (docs/WEBHOOKS.md, "Self-healing endpoints"), started by its
// maintenance: for each auto-disabled webhook whose probe is due, claim it (store/self-heal.ts),
// send one signed `webhook:test` through the same guarded sender and signing as deliveries
// (deliver-one.ts), and record it as a test delivery with its attempt. A 2xx re-enables the
// webhook, replays what it missed since the disable, requeues its failed deliveries and emails its
// creator; anything else schedules the next probe or, after the period, leaves it disabled and
// emails the creator that leadhook stopped probing.
// Probes run beside the delivery rounds, never inside them: a hanging endpoint must not stall them.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { deliverOnce, type AttemptSettings } from '../deliver-one.ts';
import type { Sender } from '../send-request.ts';
import type { DeliveryStore } from '../store/delivery-store.ts';
import type { EmailDue } from '../store/error-emails.ts';
import type { ProbeClaim } from '../store/self-heal.ts';

export interface SelfHealDeps {
  store: DeliveryStore;
  sender: Sender;
  clock: Clock;
  logger: Logger;
  attempt: AttemptSettings;
  workerId: string;
  /** How long a claimed probe is this worker's (longer than one request). */
  leaseMs: number;
  sendEmails(emails: EmailDue[]): Promise<void>;
}

export class SelfHealing {
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly deps: SelfHealDeps) {}

  /** Probes what is due, unless a run is still going; resolves when this run (or the current one) ends. */
  run(): Promise<void> {
    this.running ??= this.probeDue()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'self-heal probes failed'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Interrupts a probe in flight (the worker is stopping) and waits for the run to end. */
  async stop(): Promise<void> {
    this.abort.abort(new Error('worker stopping'));
    await this.running;
  }

  private async probeDue(): Promise<void> {
    const { store, clock } = this.deps;
    for (const webhookId of await store.healing.dueProbes(clock.now().getTime())) {
      if (this.abort.signal.aborted) return;
      const claim = await store.healing.claimProbe(webhookId, clock.now().getTime(), this.deps.leaseMs);
      if (claim) await this.probe(claim);
    }
  }

  private async probe(claim: ProbeClaim): Promise<void> {
    const { store, clock, logger } = this.deps;
    const lease = { workerId: this.deps.workerId, token: randomBytes(12).toString('hex'), until: clock.now().getTime() + this.deps.leaseMs };
    const delivery = await store.healing.insertProbeDelivery(claim, lease, clock.now());
    const [target] = (await store.loadWebhookTargets([claim.webhookId])).values();
    const sent = target ? await deliverOnce(this.deps.sender, delivery, target, this.deps.attempt, this.abort.signal) : undefined;
    if (!sent) {
      await store.failOrphans([{ id: delivery.id, token: delivery.lease_token }], clock.now().getTime());
      await store.healing.releaseProbe(claim);
      return;
    }
    // One attempt per probe: its delivery ends succeeded or failed, never retried.
    const healed = sent.outcome.kind === 'delivered';
    const now = clock.now().getTime();
    await store.writeResults([{ ...sent, next: healed ? { status: 'succeeded' } : { status: 'failed' } }], now);
    if (!healed) {
      const { ended } = await store.healing.probeFailed(claim, now);
      logger.info({ webhook: claim.webhookId, probe: claim.probes + 1, ended: ended !== undefined }, 'self-heal probe failed');
      if (ended) await this.emailCreator(claim, sent.url, { kind: 'gave_up', disabledReason: ended.disabledReason, gaveUp: { at: now, probes: claim.probes + 1, since: claim.startedAt } });
      return;
    }
    const reenabled = await store.healing.probeSucceeded(claim, now);
    if (!reenabled) return;
    const replay = await store.replayMissing({ webhookId: claim.webhookId, from: claim.startedAt, to: now + 1, now });
    const recovered = await store.recoverFailed({ webhookId: claim.webhookId, since: reenabled.failingSince ?? claim.startedAt, now });
    logger.info({ webhook: claim.webhookId, probe: claim.probes + 1, replayed: replay.created, recovered }, 'self-heal probe answered 2xx: webhook re-enabled');
    await this.emailCreator(claim, sent.url, {
      kind: 'healed',
      disabledReason: null,
      healed: { at: now, probe: claim.probes + 1, status: sent.outcome.response?.status ?? null, replayed: replay.created, recovered },
    });
  }

  /** The end of a probing period, either way, is told to the webhook's creator (when they still exist). */
  private async emailCreator(claim: ProbeClaim, url: string, facts: Pick<EmailDue, 'kind' | 'disabledReason' | 'healed' | 'gaveUp'>): Promise<void> {
    const to = await this.deps.store.healing.creatorEmail(claim.createdBy);
    if (!to) return;
    await this.deps.sendEmails([{ ...facts, accountId: claim.accountId, webhookId: claim.webhookId, url, to, errorCount: 0, lastError: null }]);
  }
}
