import { GlintError } from '@glint/media-core';

/** Stable codes for everything that can go wrong while reading or writing RTMP bytes. */
export type RtmpErrorCode =
  | 'AMF0_TRUNCATED'
  | 'AMF0_UNSUPPORTED_TYPE'
  | 'AMF0_TOO_DEEP'
  | 'AMF0_UNENCODABLE'
  | 'HANDSHAKE_VERSION'
  | 'CHUNK_SIZE_INVALID'
  | 'CHUNK_HEADER_INVALID'
  | 'MESSAGE_TOO_LARGE'
  | 'TOO_MANY_CHUNK_STREAMS'
  | 'PENDING_BYTES_EXCEEDED'
  | 'BEFORE_PUBLISH_LIMIT'
  | 'COMMAND_INVALID'
  | 'COMMAND_OUT_OF_ORDER';

/** A peer sent bytes that break the RTMP specification or one of our limits; the connection cannot continue. */
export class RtmpError extends GlintError<RtmpErrorCode> {
  override readonly name = 'RtmpError';
}
