import { CodecError } from './errors.ts';

export { avcCodecString, parseSps, type SpsInfo } from './h264-sps.ts';

/** NAL unit types this package acts on (Table 7-1). */
export const NalType = {
  NON_IDR_SLICE: 1,
  IDR: 5,
  SEI: 6,
  SPS: 7,
  PPS: 8,
  AUD: 9,
} as const;

/**
 * Most NAL units one access unit may hold. Real encoders send a handful (AUD, SPS, PPS, SEI, a few slices); the most
 * legitimate is slice-per-row 8K (270 rows), size-limited slices for RTP (~1,200 bytes each, so a 1.2 MB keyframe) or
 * Main/High at level 5.1 and 30 fps (Annex A SliceRate: 1,365). 1,024 covers them all while keeping the views of one
 * access unit around 100 KB; without a cap, 1 MiB of one-byte length prefixes made a million views.
 */
export const MAX_NALS_PER_ACCESS_UNIT = 1024;

/**
 * Largest access unit (one video frame) ingest accepts, in bytes. A 4K keyframe from a high-bitrate encoder is about
 * 1-2 MB (50 Mbps, 30 fps, a keyframe ten times the mean frame is 2.1 MB); 4 MiB leaves twice that as headroom and is
 * half the RTMP message limit, so a frame this large is a broken or hostile publisher.
 */
export const MAX_ACCESS_UNIT_BYTES = 4 * 1024 * 1024;

function tooMany(max: number): CodecError {
  return new CodecError('TOO_MANY_NALS', `access unit holds more than ${max} NAL units`);
}

/**
 * Annex B byte stream to NAL units, as subarrays of `data` (no copies). Accepts 3- and 4-byte start codes; zero bytes
 * before a start code are trailing_zero_8bits / zero_byte, not NAL payload (a NAL never ends in 0x00). Bytes before
 * the first start code are ignored. A start code followed by no NAL (only zeros, another start code or the end) is
 * EMPTY_NAL, and more than `maxNals` units is TOO_MANY_NALS.
 */
export function splitAnnexB(data: Uint8Array, maxNals = MAX_NALS_PER_ACCESS_UNIT): Uint8Array[] {
  const nals: Uint8Array[] = [];
  let nalStart = -1;
  let i = 0;
  const end = data.length;
  while (i + 2 < end) {
    // data[i + 2] > 1 cannot be inside a 00 00 01 window starting at i, i+1 or i+2.
    const b2 = data[i + 2]!;
    if (b2 > 1) {
      i += 3;
      continue;
    }
    if (b2 === 1 && data[i] === 0 && data[i + 1] === 0) {
      if (nalStart >= 0) pushTrimmed(nals, data, nalStart, i, maxNals);
      nalStart = i + 3;
      i += 3;
      continue;
    }
    i++;
  }
  if (nalStart >= 0) pushTrimmed(nals, data, nalStart, end, maxNals);
  return nals;
}

function pushTrimmed(nals: Uint8Array[], data: Uint8Array, start: number, end: number, maxNals: number): void {
  let e = end;
  while (e > start && data[e - 1] === 0) e--;
  if (e === start) throw new CodecError('EMPTY_NAL', `the start code ending at byte ${start} is followed by no NAL`);
  if (nals.length >= maxNals) throw tooMany(maxNals);
  nals.push(data.subarray(start, e));
}

/**
 * AVCC sample data (each NAL preceded by a big-endian length of `lengthSize` bytes) to NAL subarrays. A zero length is
 * EMPTY_NAL (a NAL has at least its header byte) and more than `maxNals` units is TOO_MANY_NALS: both are checked
 * before any view is made, so a hostile buffer costs at most `maxNals` views.
 */
export function splitLengthPrefixed(
  data: Uint8Array,
  lengthSize: 1 | 2 | 4 = 4,
  maxNals = MAX_NALS_PER_ACCESS_UNIT,
): Uint8Array[] {
  const nals: Uint8Array[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (pos + lengthSize > data.length) {
      throw new CodecError('INVALID_NAL', `length prefix at byte ${pos} is cut off`);
    }
    let length = 0;
    for (let k = 0; k < lengthSize; k++) length = length * 256 + data[pos + k]!;
    if (length === 0) throw new CodecError('EMPTY_NAL', `NAL at byte ${pos} has length 0`);
    pos += lengthSize;
    if (pos + length > data.length) {
      throw new CodecError('INVALID_NAL', `NAL at byte ${pos} claims ${length} bytes, ${data.length - pos} remain`);
    }
    if (nals.length >= maxNals) throw tooMany(maxNals);
    nals.push(data.subarray(pos, pos + length));
    pos += length;
  }
  return nals;
}

/** NAL units to 4-byte length-prefixed sample data in a single allocation. */
export function toLengthPrefixed(nals: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const nal of nals) total += 4 + nal.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const nal of nals) {
    view.setUint32(pos, nal.length);
    out.set(nal, pos + 4);
    pos += 4 + nal.length;
  }
  return out;
}

export function nalType(nal: Uint8Array): number {
  const header = nal[0];
  if (header === undefined) throw new CodecError('INVALID_NAL', 'empty NAL unit has no header byte');
  return header & 0x1f;
}
