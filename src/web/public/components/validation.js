// Client-side checks that match the API's, shown next to the field before anything is sent.

/** A lead value: empty (no value) or a number ≥ 0. */
export function valueError(text) {
  if (text === '' || text === null || text === undefined) return null;
  const n = Number(text);
  if (!Number.isFinite(n)) return 'Enter a number';
  if (n < 0) return 'The value cannot be negative';
  return null;
}

/** A product quantity: a number above 0 (as the API requires); never rounded up silently. */
export function quantityError(text) {
  const n = Number(text);
  if (text === '' || !Number.isFinite(n)) return 'Enter a quantity';
  if (n <= 0) return 'The quantity must be more than 0';
  return null;
}
