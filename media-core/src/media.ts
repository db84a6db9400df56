/**
 * The media model every part of Glint shares: timestamped access units and their decoder configurations. Media time
 * is in 90 kHz ticks for both video and audio; outputs convert audio to its sample-rate timescale themselves.
 */

/** One H.264 access unit (all NAL units of one picture). */
export interface VideoAccessUnit {
  /** NAL units, Annex B (start codes) or 4-byte length-prefixed (AVCC), as `format` says. */
  readonly data: Uint8Array;
  readonly format: 'annexb' | 'avcc';
  readonly pts90k: number;
  readonly dts90k: number;
  readonly keyframe: boolean;
}

/** One audio frame: a raw AAC frame (no ADTS header) or one Opus packet. */
export interface AudioFrame {
  readonly data: Uint8Array;
  readonly pts90k: number;
}

/** H.264 decoder configuration. SPS/PPS may also arrive in-band in access units. */
export interface H264Config {
  readonly codec: 'h264';
  readonly sps: readonly Uint8Array[];
  readonly pps: readonly Uint8Array[];
}

export interface AacConfig {
  readonly codec: 'aac';
  /** AudioSpecificConfig (ISO 14496-3), e.g. 0x12 0x10 for AAC-LC 44.1 kHz stereo. */
  readonly asc: Uint8Array;
}

export interface OpusConfig {
  readonly codec: 'opus';
  readonly channels: number;
  /** Samples at 48 kHz to drop at the start (RFC 7845); 312 is libopus' usual value. */
  readonly preSkip?: number;
  /** The sample rate the encoder was fed, informational only; Opus always decodes at 48 kHz. */
  readonly inputSampleRate?: number;
}

export type AudioConfig = AacConfig | OpusConfig;

/** Wall clock in milliseconds since the epoch; injected so tests can control time. */
export type Clock = () => number;
