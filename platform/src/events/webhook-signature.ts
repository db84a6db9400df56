import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: `Glint-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The timestamp
 * is inside what is signed, so a captured request cannot be replayed later with a fresh time; a receiver rejects old
 * timestamps (the tolerance) and remembers the event ids it has seen within it.
 */
export function signWebhookBody(secret: string, body: string, timestampSec: number): string {
  return `t=${timestampSec},v1=${hmacHex(secret, timestampSec, body)}`;
}

/**
 * True when `header` is a signature of `body` with `secret`, made within `toleranceSec` of `nowSec` (either side:
 * clocks differ). Several v1 values are accepted, so a sender may sign with an old and a new secret while rotating.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSec: number,
  toleranceSec = 300,
): boolean {
  if (!header || header.length > 1024) return false;
  let timestampSec: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestampSec = Number(value);
    else if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestampSec === undefined || signatures.length === 0) return false;
  if (Math.abs(nowSec - timestampSec) > toleranceSec) return false;
  const expected = Buffer.from(hmacHex(secret, timestampSec, body), 'hex');
  return signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
}

function hmacHex(secret: string, timestampSec: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex');
}
