import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url, with a prefix that says what it is when it turns up somewhere it should not. */
export function newSessionToken(): string {
  return `glint_s_${randomBytes(32).toString('base64url')}`;
}

/** Tokens and keys are stored and looked up by this digest only. */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
