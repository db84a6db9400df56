import { codec } from '@glint/media-core';
import { FlvError } from './errors.ts';
import type { H264Config } from './types.ts';

export interface AvcDecoderConfiguration {
  readonly config: H264Config;
  readonly profileIndication: number;
  readonly profileCompatibility: number;
  readonly levelIndication: number;
  /** Bytes of each NAL unit length prefix in the samples (1, 2 or 4). */
  readonly lengthSize: number;
}

/** Parses an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.2.4.1); trailing High-profile fields are ignored. */
export function parseAvcDecoderConfigurationRecord(bytes: Uint8Array): AvcDecoderConfiguration {
  const fail = (why: string): never => {
    throw new FlvError('INVALID_DECODER_CONFIG', `AVCDecoderConfigurationRecord: ${why}`);
  };
  if (bytes.length < 7) fail(`${bytes.length} bytes is too short`);
  if (bytes[0] !== 1) fail(`configurationVersion ${bytes[0]} is not 1`);
  const lengthSize = (bytes[4]! & 0x03) + 1;
  if (lengthSize === 3) fail('a NAL unit length size of 3 bytes is not allowed');
  let at = 6;
  const readSet = (count: number, what: string): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      if (at + 2 > bytes.length) fail(`${what} ${i} length is truncated`);
      const n = (bytes[at]! << 8) | bytes[at + 1]!;
      at += 2;
      if (n === 0 || at + n > bytes.length) fail(`${what} ${i} of ${n} bytes does not fit`);
      // A copy (a Buffer's slice would be a view that keeps the whole message alive and aliases it).
      out.push(new Uint8Array(bytes.subarray(at, at + n)));
      at += n;
    }
    return out;
  };
  const sps = readSet(bytes[5]! & 0x1f, 'SPS');
  if (at >= bytes.length) fail('numOfPictureParameterSets is missing');
  const ppsCount = bytes[at]!;
  at += 1;
  const pps = readSet(ppsCount, 'PPS');
  if (sps.length === 0) fail('no SPS');
  if (pps.length === 0) fail('no PPS');
  // The outputs read the SPS for the picture size and codec string: refuse here what they could not use.
  for (const [i, set] of sps.entries()) {
    try {
      codec.parseSps(set);
    } catch (error) {
      if (!(error instanceof codec.CodecError)) throw error;
      fail(`SPS ${i} is invalid: ${error.message}`);
    }
  }
  for (const [i, set] of pps.entries()) {
    if ((set[0]! & 0x1f) !== codec.NalType.PPS) fail(`PPS ${i} has NAL type ${set[0]! & 0x1f}, not 8`);
  }
  return {
    config: { codec: 'h264', sps, pps },
    profileIndication: bytes[1]!,
    profileCompatibility: bytes[2]!,
    levelIndication: bytes[3]!,
    lengthSize,
  };
}

export interface AvcFrameLimits {
  /** Largest frame, in bytes of the FLV payload. Default `codec.MAX_ACCESS_UNIT_BYTES` (4 MiB). */
  readonly maxFrameBytes?: number;
  /** Most NAL units in one frame. Default `codec.MAX_NALS_PER_ACCESS_UNIT` (1,024). */
  readonly maxNalUnits?: number;
}

/**
 * Checks that `data` is a whole number of non-empty length-prefixed NAL units, at most `maxNalUnits` of them in at
 * most `maxFrameBytes`, and returns it with 4-byte prefixes (AVCC as the packager takes it). With 4-byte prefixes
 * already, the input is returned as is, not copied. Every check runs before anything is allocated.
 */
export function toFourByteLengthPrefixes(
  data: Uint8Array,
  lengthSize: number,
  limits: AvcFrameLimits = {},
): Uint8Array {
  const maxBytes = limits.maxFrameBytes ?? codec.MAX_ACCESS_UNIT_BYTES;
  const maxNalus = limits.maxNalUnits ?? codec.MAX_NALS_PER_ACCESS_UNIT;
  if (data.length > maxBytes) {
    throw new FlvError('FRAME_TOO_LARGE', `video frame of ${data.length} bytes is above the ${maxBytes}-byte limit`);
  }
  let at = 0;
  let naluCount = 0;
  let payloadBytes = 0;
  while (at < data.length) {
    if (at + lengthSize > data.length) {
      throw new FlvError('INVALID_NALU_LENGTH', `NAL unit length prefix at byte ${at} is truncated`);
    }
    let n = 0;
    for (let i = 0; i < lengthSize; i++) n = n * 256 + data[at + i]!;
    if (n === 0) throw new FlvError('EMPTY_NALU', `NAL unit at byte ${at} has length 0`);
    at += lengthSize;
    if (at + n > data.length) {
      throw new FlvError(
        'INVALID_NALU_LENGTH',
        `NAL unit of ${n} bytes at byte ${at} overruns the ${data.length}-byte packet`,
      );
    }
    if (++naluCount > maxNalus) {
      throw new FlvError('TOO_MANY_NALUS', `video frame holds more than ${maxNalus} NAL units`);
    }
    at += n;
    payloadBytes += n;
  }
  if (lengthSize === 4) return data;
  const out = new Uint8Array(payloadBytes + 4 * naluCount);
  const view = new DataView(out.buffer);
  let src = 0;
  let dst = 0;
  while (src < data.length) {
    let n = 0;
    for (let i = 0; i < lengthSize; i++) n = n * 256 + data[src + i]!;
    src += lengthSize;
    view.setUint32(dst, n);
    out.set(data.subarray(src, src + n), dst + 4);
    src += n;
    dst += 4 + n;
  }
  return out;
}

/**
 * The SPS NAL units inside 4-byte length-prefixed frame data (some encoders repeat them before keyframes), as views.
 * `data` must have passed `toFourByteLengthPrefixes`.
 */
export function inBandSps(data: Uint8Array): Uint8Array[] {
  const found: Uint8Array[] = [];
  let at = 0;
  while (at + 4 < data.length) {
    const n = data[at]! * 0x1000000 + ((data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!);
    if ((data[at + 4]! & 0x1f) === codec.NalType.SPS) found.push(data.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return found;
}
