import { GlintError } from '@glint/media-core';

/** Stable codes for RTP and RTP-payload failures, so callers branch without parsing messages. */
export type RtpErrorCode =
  | 'TRUNCATED_PACKET'
  | 'BAD_VERSION'
  | 'BAD_PADDING'
  | 'BAD_EXTENSION'
  | 'EMPTY_PAYLOAD'
  | 'TRUNCATED_FU_A'
  | 'FU_A_OUT_OF_ORDER'
  | 'STAP_A_OVERRUN'
  | 'UNSUPPORTED_NAL_TYPE'
  | 'INVALID_NAL_TYPE'
  | 'ACCESS_UNIT_TOO_LARGE'
  | 'TOO_MANY_NALS'
  | 'INVALID_OPUS'
  | 'INVALID_ARGUMENT';

/** Malformed RTP or RTP payload bytes; never a bare RangeError from an out-of-bounds read. */
export class RtpError extends GlintError<RtpErrorCode> {
  override readonly name = 'RtpError';
}
