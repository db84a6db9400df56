import { GlintError } from '@glint/media-core';

export type MpegTsErrorCode =
  /** A packet does not start with 0x47: the byte stream is not (or no longer) MPEG-TS. Fatal for the demuxer. */
  | 'LOST_SYNC'
  /** A PAT or PMT section is cut off, too long for one packet or inconsistent. */
  | 'INVALID_SECTION'
  /** A PES does not start with 00 00 01, or its header does not fit. */
  | 'INVALID_PES'
  /** A PES without a PTS: its access unit cannot be timed. */
  | 'MISSING_PTS'
  /** A PES larger than the demuxer's bound. */
  | 'PES_TOO_LARGE';

/** Bytes that are not the MPEG-TS the demuxer reads; `code` is stable for callers and logs. */
export class MpegTsError extends GlintError<MpegTsErrorCode> {
  override readonly name = 'MpegTsError';
}
