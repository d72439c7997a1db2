// The results table, as fixed-width text for the terminal and as Markdown for docs/BENCHMARKS.md.
import type { ResultRow } from './results.ts';

const HEADERS = ['scenario', 'contender', 'figure', 'target', 'verdict', 'note'];

function cells(row: ResultRow): string[] {
  const figure = row.value === null ? 'n/a' : `${formatNumber(row.value)} ${row.unit}`;
  return [row.scenario, row.contender, figure, row.target, row.verdict, row.note];
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function textTable(rows: ResultRow[]): string {
  const all = [HEADERS, ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(cells(r)))].join('\n');
}

export function markdownTable(rows: ResultRow[]): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cells(r).map(escape).join(' | ')} |`),
  ].join('\n');
}
