import { GlintError } from '@glint/media-core';

export type ChatBusErrorCode = 'REDIS_UNAVAILABLE';

/** A bus that cannot start: the operator's problem, said so that they can fix it. */
export class ChatBusError extends GlintError<ChatBusErrorCode> {
  override readonly name = 'ChatBusError';
}
