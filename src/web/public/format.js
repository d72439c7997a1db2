// Display helpers: dates in the browser's locale, amounts, percentages.
export function formatTime(value) {
  if (value === null || value === undefined || value === '') return '—';
  const date = typeof value === 'number' ? new Date(value) : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatAmount(value) {
  if (value === null || value === undefined) return '—';
  return Number(value).toLocaleString(undefined, { maximumFractionDigits: 2 });
}

export function formatPercent(ratio) {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '—';
  return `${Math.round(ratio * 1000) / 10}%`;
}

/** `datetime-local` input value (local time) → ISO string in UTC. */
export function localInputToIso(value) {
  return new Date(value).toISOString();
}

/** A Date → `datetime-local` input value in local time. */
export function toLocalInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Today as `YYYY-MM-DD` in the browser's time zone (todo dates are calendar days). */
export function todayIso(now = new Date()) {
  return toLocalInput(now).slice(0, 10);
}

/** A calendar day (`YYYY-MM-DD`) for people: "Today", "Tomorrow", "Yesterday" or "3 Dec 2026". */
export function formatDay(day, today = todayIso()) {
  if (!day) return '—';
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(y, m - 1, d);
  if (Number.isNaN(date.getTime())) return day;
  const [ty, tm, td] = today.split('-').map(Number);
  const diff = Math.round((date.getTime() - new Date(ty, tm - 1, td).getTime()) / 86_400_000);
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Tomorrow';
  if (diff === -1) return 'Yesterday';
  return date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** The next-step cue of a lead from its earliest open todo date: overdue, today, later or none. */
export function nextStep(day, today = todayIso()) {
  if (!day) return { kind: 'none', text: 'No next step' };
  if (day < today) return { kind: 'overdue', text: `Overdue · ${formatDay(day, today)}` };
  if (day === today) return { kind: 'today', text: 'Due today' };
  return { kind: 'later', text: `Next · ${formatDay(day, today)}` };
}
