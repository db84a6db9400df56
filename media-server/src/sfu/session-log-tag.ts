import { createHash } from 'node:crypto';

/**
 * A short tag for a session id in logs. The id itself is a capability (WHEP DELETE needs nothing else), so logs
 * carry the first 8 hex digits of its SHA-256: enough to follow one session, nothing to act with.
 */
export function sessionLogTag(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 8);
}
