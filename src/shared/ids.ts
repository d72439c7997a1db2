// Ids are 24 lowercase hex characters, like MongoDB ObjectIds (docs/SPEC.md §1): 4 bytes of seconds,
// 5 random bytes chosen once per process, then a 3-byte counter, so ids made by one process sort
// in creation order.
import { randomBytes, randomInt } from 'node:crypto';

const processRandom = randomBytes(5).toString('hex');
let counter = randomInt(0, 0xffffff);

export function newId(now: Date = new Date()): string {
  counter = (counter + 1) % 0x1000000;
  const seconds = Math.floor(now.getTime() / 1000) >>> 0;
  return seconds.toString(16).padStart(8, '0') + processRandom + counter.toString(16).padStart(6, '0');
}

export const ID_PATTERN = '^[0-9a-f]{24}$';

export function isId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{24}$/.test(value);
}
