// A webhook's health over time, drawn as inline SVG (no chart library): success rate as bars
// (0–100 %) and latency as a line, per hour, from GET /webhooks/:id/stats. The same numbers are
// also given as a table for screen readers and for copying.
import { html } from '../html.js';
import { formatPercent } from '../format.js';

/**
 * The stats answer `{buckets: [{hour, attempts, succeeded, failed, success_rate, p50_ms, p95_ms}]}`
 * as [{ at, attempts, succeeded, latencyMs (median), p95Ms }].
 */
export function statsBuckets(data) {
  return (data?.buckets ?? []).map((b) => ({ at: b.hour, attempts: b.attempts, succeeded: b.succeeded, latencyMs: b.p50_ms, p95Ms: b.p95_ms }));
}

/** Overall success ratio of a stats answer, or null without attempts. */
export function successRate(data) {
  const buckets = statsBuckets(data);
  const attempts = buckets.reduce((s, b) => s + b.attempts, 0);
  return attempts === 0 ? null : buckets.reduce((s, b) => s + b.succeeded, 0) / attempts;
}

const PAD = { left: 44, right: 48, top: 12, bottom: 28 };

/** On a phone the chart is drawn at its shown size, so its 11 px labels stay 11 px. */
function chartSize() {
  const narrow = typeof matchMedia === 'function' && matchMedia('(max-width: 760px)').matches;
  return narrow ? { W: 360, H: 220, labels: 4 } : { W: 640, H: 200, labels: 6 };
}

export function HealthChart({ data }) {
  const { W, H, labels } = chartSize();
  const buckets = statsBuckets(data);
  if (buckets.length === 0 || buckets.every((b) => b.attempts === 0)) {
    return html`<p class="muted">No attempts in this period yet.</p>`;
  }
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / buckets.length;
  const maxLatency = Math.max(1, ...buckets.map((b) => b.p95Ms ?? b.latencyMs ?? 0));
  const y = (ratio) => PAD.top + plotH * (1 - ratio);
  const line = (key) =>
    buckets
      .map((b, i) => (b[key] === null || b.attempts === 0 ? null : `${PAD.left + step * (i + 0.5)},${PAD.top + plotH * (1 - b[key] / maxLatency)}`))
      .filter(Boolean)
      .join(' ');
  const latencyPoints = line('latencyMs');
  const p95Points = line('p95Ms');
  const rate = successRate(data);
  const label = `Success rate ${formatPercent(rate)} over ${buckets.length} hours; highest latency ${Math.round(maxLatency)} ms`;
  const labelEvery = Math.max(1, Math.ceil(buckets.length / labels));

  return html`<figure class="chart">
    <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${label} preserveAspectRatio="xMidYMid meet">
      ${[0, 0.5, 1].map((r) => html`<g>
        <line x1=${PAD.left} x2=${W - PAD.right} y1=${y(r)} y2=${y(r)} class="grid" />
        <text x=${PAD.left - 6} y=${y(r) + 4} class="axis" text-anchor="end">${r * 100}%</text>
        <text x=${W - PAD.right + 6} y=${y(r) + 4} class="axis">${Math.round(maxLatency * r)} ms</text>
      </g>`)}
      ${buckets.map((b, i) => {
        if (b.attempts === 0) return null;
        const ratio = b.succeeded / b.attempts;
        const x = PAD.left + step * i + step * 0.15;
        const tip = `${hourLabel(b.at)}: ${b.succeeded}/${b.attempts} succeeded${b.latencyMs !== null ? `, ${Math.round(b.latencyMs)} ms` : ''}`;
        // Failed attempts are drawn too (red, stacked on top), so an hour that only failed shows a full red bar.
        return html`<g>
          <rect x=${x} width=${step * 0.7} y=${y(ratio)} height=${plotH * ratio} class="bar"><title>${tip}</title></rect>
          ${ratio < 1 ? html`<rect x=${x} width=${step * 0.7} y=${y(1)} height=${plotH * (1 - ratio)} class="bar bar-failed"><title>${tip}</title></rect>` : null}
        </g>`;
      })}
      ${p95Points ? html`<polyline points=${p95Points} class="latency latency-p95" />` : null}
      ${latencyPoints ? html`<polyline points=${latencyPoints} class="latency" />` : null}
      ${buckets.map((b, i) => (b.latencyMs === null || b.attempts === 0 ? null : html`<circle r="3" class="latency-dot"
        cx=${PAD.left + step * (i + 0.5)} cy=${PAD.top + plotH * (1 - b.latencyMs / maxLatency)} />`))}
      ${buckets.map((b, i) => (i % labelEvery === 0 ? html`<text x=${PAD.left + step * (i + 0.5)} y=${H - 8} class="axis" text-anchor="middle">${hourLabel(b.at)}</text>` : null))}
    </svg>
    <figcaption class="small muted"><span class="key key-bar"></span> succeeded <span class="key key-failed"></span> failed (share of attempts per hour) <span class="key key-line"></span> median latency <span class="key key-p95"></span> p95 latency</figcaption>
    <details class="small"><summary>Data</summary>
      <table><thead><tr><th scope="col">Hour</th><th scope="col">Attempts</th><th scope="col">Succeeded</th><th scope="col">Median</th><th scope="col">p95</th></tr></thead>
      <tbody>${buckets.map((b) => html`<tr><td>${hourLabel(b.at)}</td><td>${b.attempts}</td><td>${b.succeeded}</td><td>${b.latencyMs === null ? '—' : `${Math.round(b.latencyMs)} ms`}</td><td>${b.p95Ms === null ? '—' : `${Math.round(b.p95Ms)} ms`}</td></tr>`)}</tbody></table>
    </details>
  </figure>`;
}

function hourLabel(at) {
  if (at === undefined || at === null) return '';
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
