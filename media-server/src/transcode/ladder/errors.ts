import { GlintError } from '@glint/media-core';

export type LadderErrorCode =
  /** GLINT_LADDER (or a rung list) that cannot be read; the message names the item. */
  | 'INVALID_LADDER_SPEC'
  /** The transcoding ffmpeg failed or wrote what the ladder cannot read. */
  | 'TRANSCODER_FAILED'
  /** One rung's output was unusable; that rung is dropped, the others go on. */
  | 'RUNG_FAILED';

/** A failure of a channel's transcoding ladder; `code` is stable for callers and logs. */
export class LadderError extends GlintError<LadderErrorCode> {
  override readonly name = 'LadderError';
}
