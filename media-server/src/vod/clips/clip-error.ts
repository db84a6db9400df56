import { GlintError } from '@glint/media-core';

export type ClipErrorCode =
  | 'CLIP_RANGE_INVALID'
  | 'CLIP_BAD_REQUEST'
  | 'CLIP_SOURCE_BAD'
  | 'CLIP_SOURCE_MISSING'
  | 'CLIP_ENCODE_FAILED'
  | 'NO_SUCH_VOD'
  | 'NO_SUCH_CLIP'
  | 'NOT_LIVE';

/** Why a clip could not be made (kept in the clip's record as its `error`) or asked for (sent as `{code, message}`). */
export class ClipError extends GlintError<ClipErrorCode> {
  override readonly name = 'ClipError';
}
