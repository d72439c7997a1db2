// One row of the results table: a figure for one contender in one scenario, with the target it is
// held to (docs/SPEC.md §8) when there is one.

export type Verdict = 'meets' | 'misses' | '';

export interface ResultRow {
  scenario: string;
  contender: string;
  value: number | null;
  unit: string;
  /** The target as text, e.g. "≥ 3× baseline". */
  target: string;
  verdict: Verdict;
  note: string;
}

export function row(scenario: string, contender: string, value: number | null, unit: string, note = ''): ResultRow {
  return { scenario, contender, value, unit, target: '', verdict: '', note };
}

export function judged(base: ResultRow, target: string, meets: boolean | null): ResultRow {
  return { ...base, target, verdict: meets === null ? '' : meets ? 'meets' : 'misses' };
}
