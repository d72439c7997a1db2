// The worker's periodic work, at most every MAINTENANCE_EVERY_MS: auto-disabling webhooks that have
// failed too long, self-healing probes (self-heal.ts), due error summaries, and retention
// (statements in store/maintenance.ts).
import type { Clock } from '../../shared/clock.ts';
import type { DeliveryStore } from '../store/delivery-store.ts';
import type { EmailDue } from '../store/error-emails.ts';

export const MAINTENANCE_EVERY_MS = 30_000;

export interface MaintenanceDeps {
  store: DeliveryStore;
  clock: Clock;
  settings: { autoDisableAfterS: number; errorEmailIntervalS: number; retentionDays: number };
  sendEmails(emails: EmailDue[]): Promise<void>;
  /** Extra retention work (see WorkerHooks.prune). */
  prune?(before: number): Promise<void>;
  /** Starts the due self-heal probes; they run beside the rounds (awaited only when forced, as in tests). */
  heal?(): Promise<void>;
}

export class Maintenance {
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: MaintenanceDeps) {}

  async run(force: boolean): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (!force && now - this.last < MAINTENANCE_EVERY_MS) return;
    this.last = now;
    const settings = { now, ...this.deps.settings };
    const { store } = this.deps;
    await this.deps.sendEmails(await store.disableOverdueWebhooks(settings));
    const healing = this.deps.heal?.();
    if (force) await healing;
    await this.deps.sendEmails(await store.dueErrorSummaries(settings));
    await store.pruneExpired(settings);
    await this.deps.prune?.(now - settings.retentionDays * 86_400_000);
  }
}
