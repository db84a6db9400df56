import { GlintError } from '../errors.ts';

/** Stable codes so callers can branch on the failure without parsing messages. */
export type CodecErrorCode =
  | 'INVALID_NAL'
  | 'EMPTY_NAL'
  | 'TOO_MANY_NALS'
  | 'INVALID_SPS'
  | 'INVALID_ASC'
  | 'INVALID_ADTS'
  | 'INVALID_OPUS'
  | 'UNSUPPORTED_CODEC_FEATURE';

/** Thrown for malformed or unsupported codec bitstreams; never a bare RangeError from an out-of-bounds read. */
export class CodecError extends GlintError<CodecErrorCode> {
  override readonly name = 'CodecError';
}
