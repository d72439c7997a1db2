// When a self-healing webhook's endpoint is probed after an auto-disable (docs/WEBHOOKS.md,
// "Self-healing endpoints"): 1 h, 2 h, 4 h, 8 h and 16 h apart, then once a day, for 7 days from
// the disable — probes at 1, 3, 7, 15, 31, 55, 79, 103, 127 and 151 h, ten in all. A pure table.
const HOUR = 3_600_000;

/** Gaps between probes, the first counted from the disable; the last gap repeats. */
export const PROBE_GAPS_MS: readonly number[] = [1, 2, 4, 8, 16, 24].map((h) => h * HOUR);
/** No probe falls later than this after the disable; then the webhook stays disabled. */
export const PROBE_PERIOD_MS = 7 * 24 * HOUR;

/** When probe number `probesDone + 1` is due, or null when the period is over. */
export function nextProbeAt(startedAt: number, probesDone: number): number | null {
  let at = startedAt;
  for (let i = 0; i <= probesDone; i++) at += PROBE_GAPS_MS[Math.min(i, PROBE_GAPS_MS.length - 1)]!;
  return at - startedAt <= PROBE_PERIOD_MS ? at : null;
}
