import { GlintError } from '@glint/media-core';

export type FlvErrorCode =
  | 'INVALID_FILE_HEADER'
  | 'TAG_TOO_LARGE'
  | 'ENCRYPTED_TAG'
  | 'TRUNCATED'
  | 'UNSUPPORTED_CODEC'
  | 'UNSUPPORTED_PACKET_TYPE'
  | 'INVALID_DECODER_CONFIG'
  | 'INVALID_NALU_LENGTH'
  | 'INVALID_IN_BAND_SPS'
  | 'EMPTY_NALU'
  | 'TOO_MANY_NALUS'
  | 'FRAME_TOO_LARGE'
  | 'TOO_MANY_BAD_FRAMES'
  | 'MISSING_DECODER_CONFIG';

/** Bytes that are not valid FLV, or valid FLV carrying something we do not ingest. */
export class FlvError extends GlintError<FlvErrorCode> {
  override readonly name = 'FlvError';
}
