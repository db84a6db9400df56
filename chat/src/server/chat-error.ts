import { GlintError } from '@glint/media-core';
import type { ChatErrorCode } from '../protocol/types.ts';

/**
 * A refusal the server sends back as an `error` frame: a stable code, a sentence the user can act on, and when a
 * limit is the reason, how long until the user may try again.
 */
export class ChatError extends GlintError<ChatErrorCode> {
  override readonly name = 'ChatError';
  readonly retryAfterMs: number | undefined;

  constructor(code: ChatErrorCode, message: string, retryAfterMs?: number) {
    super(code, message);
    this.retryAfterMs = retryAfterMs;
  }
}

/** "3.2 s" for a sentence; the exact figure goes in retryAfterMs. */
export function seconds(ms: number): string {
  return `${Math.max(0.1, Math.ceil(ms / 100) / 10)} s`;
}
