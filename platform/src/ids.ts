import { randomBytes } from 'node:crypto';

/**
 * A time-ordered id: 9 base-36 characters of milliseconds, then 10 random ones. Ordering by id is ordering by
 * creation (for cursors); ids made in one millisecond differ by their random tail.
 */
export function newId(nowMs: number = Date.now()): string {
  const time = nowMs.toString(36).padStart(9, '0');
  const random = randomBytes(8).readBigUInt64BE().toString(36).padStart(13, '0').slice(0, 10);
  return `${time}${random}`;
}
