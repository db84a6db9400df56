import { GlintError } from '@glint/media-core';
import type { ChatErrorCode } from './types.ts';

/**
 * A client frame the server refuses: a stable code for the client to branch on and a sentence naming the field.
 * The codec returns it rather than throwing, so a flood of bad frames costs no unwinding in the server's loop.
 */
export class ChatProtocolError extends GlintError<ChatErrorCode> {
  override readonly name = 'ChatProtocolError';
}

export const badFrame = (message: string) => new ChatProtocolError('BAD_FRAME', message);
