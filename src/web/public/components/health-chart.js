// A webhook's health over time, drawn as inline SVG (no chart library): success rate as bars
// (0–100 %) and latency as a line, per hour, from GET /webhooks/:id/stats. The same numbers are
// also given as a table for screen readers and for copying.
import { html } from '../html.js';
import { formatPercent } from '../format.js';

/** Normalises the stats answer to [{ at, attempts, succeeded, latencyMs }]. */
export function statsBuckets(data) {
  const list = Array.isArray(data) ? data : (data?.hours ?? data?.buckets ?? data?.series ?? []);
  return list.map((b) => {
    const attempts = num(b.attempts ?? b.total ?? b.count);
    const succeeded = num(b.succeeded ?? b.successes ?? b.success ?? (b.failed !== undefined ? attempts - num(b.failed) : null));
    const latency = b.latency_ms ?? b.avg_latency_ms ?? b.p50_latency_ms ?? b.latency?.avg ?? b.latency?.p50 ?? b.avg_duration_ms ?? b.duration_ms;
    return { at: b.hour ?? b.at ?? b.start ?? b.from ?? b.time, attempts, succeeded, latencyMs: latency === null || latency === undefined ? null : Number(latency) };
  });
}

function num(value) {
  return value === null || value === undefined ? 0 : Number(value);
}

/** Overall success ratio of a stats answer, or null without attempts. */
export function successRate(data) {
  if (data && typeof data.success_rate === 'number') return data.success_rate;
  const buckets = statsBuckets(data);
  const attempts = buckets.reduce((s, b) => s + b.attempts, 0);
  return attempts === 0 ? null : buckets.reduce((s, b) => s + b.succeeded, 0) / attempts;
}

const W = 640;
const H = 200;
const PAD = { left: 44, right: 48, top: 12, bottom: 28 };

export function HealthChart({ data }) {
  const buckets = statsBuckets(data);
  if (buckets.length === 0 || buckets.every((b) => b.attempts === 0)) {
    return html`<p class="muted">No attempts in this period yet.</p>`;
  }
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / buckets.length;
  const maxLatency = Math.max(1, ...buckets.map((b) => b.latencyMs ?? 0));
  const y = (ratio) => PAD.top + plotH * (1 - ratio);
  const latencyPoints = buckets
    .map((b, i) => (b.latencyMs === null || b.attempts === 0 ? null : `${PAD.left + step * (i + 0.5)},${PAD.top + plotH * (1 - b.latencyMs / maxLatency)}`))
    .filter(Boolean)
    .join(' ');
  const rate = successRate(data);
  const label = `Success rate ${formatPercent(rate)} over ${buckets.length} hours; highest latency ${Math.round(maxLatency)} ms`;
  const labelEvery = Math.max(1, Math.ceil(buckets.length / 6));

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
        return html`<rect x=${x} width=${step * 0.7} y=${y(ratio)} height=${plotH * ratio} class=${ratio < 1 ? 'bar bar-warn' : 'bar'}>
          <title>${hourLabel(b.at)}: ${b.succeeded}/${b.attempts} succeeded${b.latencyMs !== null ? `, ${Math.round(b.latencyMs)} ms` : ''}</title>
        </rect>`;
      })}
      ${latencyPoints ? html`<polyline points=${latencyPoints} class="latency" />` : null}
      ${buckets.map((b, i) => (i % labelEvery === 0 ? html`<text x=${PAD.left + step * (i + 0.5)} y=${H - 8} class="axis" text-anchor="middle">${hourLabel(b.at)}</text>` : null))}
    </svg>
    <figcaption class="small muted"><span class="key key-bar"></span> success rate per hour <span class="key key-line"></span> latency</figcaption>
    <details class="small"><summary>Data</summary>
      <table><thead><tr><th scope="col">Hour</th><th scope="col">Attempts</th><th scope="col">Succeeded</th><th scope="col">Latency</th></tr></thead>
      <tbody>${buckets.map((b) => html`<tr><td>${hourLabel(b.at)}</td><td>${b.attempts}</td><td>${b.succeeded}</td><td>${b.latencyMs === null ? '—' : `${Math.round(b.latencyMs)} ms`}</td></tr>`)}</tbody></table>
    </details>
  </figure>`;
}

function hourLabel(at) {
  if (at === undefined || at === null) return '';
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
