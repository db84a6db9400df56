import { BitReader } from './bit-reader.ts';
import { CodecError } from './errors.ts';

export interface AudioSpecificConfigInfo {
  /** audioObjectType as signalled (2 = AAC-LC, 5 = SBR, 29 = PS), after the escape for values >= 31. */
  readonly objectType: number;
  /** Core sampling rate in Hz: the rate of the AAC frames the track's timestamps count. */
  readonly sampleRate: number;
  readonly channels: number;
  /** Samples per AAC frame at `sampleRate`; this package does not support 960-sample frames. */
  readonly samplesPerFrame: 1024;
}

/** Table 1.18 samplingFrequencyIndex; 13 and 14 are reserved, 15 means an explicit 24-bit rate follows. */
const SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** Table 1.19 channelConfiguration to channel count; 0 (layout in a PCE) and reserved values are undefined. */
const CHANNELS_BY_CONFIG: Readonly<Record<number, number>> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  6: 6,
  7: 8,
  11: 7,
  12: 8,
  13: 24,
  14: 8,
};

function objectTypeOf(r: BitReader): number {
  const aot = r.u(5);
  return aot === 31 ? 32 + r.u(6) : aot;
}

function sampleRateOf(r: BitReader): number {
  const index = r.u(4);
  if (index === 15) return r.u(24);
  const rate = SAMPLE_RATES[index];
  if (rate === undefined) throw new CodecError('INVALID_ASC', `reserved samplingFrequencyIndex ${index}`);
  return rate;
}

/** Parses an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1) far enough to describe the track. */
export function parseAudioSpecificConfig(asc: Uint8Array): AudioSpecificConfigInfo {
  const r = new BitReader(asc, 'INVALID_ASC');
  const objectType = objectTypeOf(r);
  if (objectType === 0) throw new CodecError('INVALID_ASC', 'audioObjectType 0 is not a codec');
  const sampleRate = sampleRateOf(r);
  if (sampleRate === 0) throw new CodecError('INVALID_ASC', 'explicit sampling frequency is 0');
  const channelConfig = r.u(4);
  const channels = CHANNELS_BY_CONFIG[channelConfig];
  if (channels === undefined) {
    throw new CodecError(
      channelConfig === 0 ? 'UNSUPPORTED_CODEC_FEATURE' : 'INVALID_ASC',
      `channelConfiguration ${channelConfig} is not supported (0 needs a program_config_element)`,
    );
  }
  if (objectType === 5 || objectType === 29) {
    // Explicit SBR/PS signalling: an extension rate and the core object type follow; still valid to read.
    sampleRateOf(r);
    objectTypeOf(r);
  }
  return { objectType, sampleRate, channels, samplesPerFrame: 1024 };
}

/** RFC 6381 codec string, e.g. 'mp4a.40.2' for AAC-LC. */
export function aacCodecString(asc: Uint8Array): string {
  return `mp4a.40.${parseAudioSpecificConfig(asc).objectType}`;
}

/** A 2-byte AudioSpecificConfig for the common case (object type < 31, tabled rate, channel configuration). */
export function buildAudioSpecificConfig(
  objectType: number,
  frequencyIndex: number,
  channelConfig: number,
): Uint8Array {
  const bits = (objectType << 11) | (frequencyIndex << 7) | (channelConfig << 3);
  return Uint8Array.of(bits >> 8, bits & 0xff);
}

export interface AdtsHeader {
  /** Header length: 7, or 9 with the CRC. */
  readonly headerLength: number;
  /** Whole frame length including the header. */
  readonly frameLength: number;
  readonly objectType: number;
  readonly frequencyIndex: number;
  readonly channelConfig: number;
}

/** Reads the fixed and variable ADTS header (14496-3 1.A.2.2) at `offset`. */
export function readAdtsHeader(buf: Uint8Array, offset = 0): AdtsHeader {
  if (buf.length - offset < 7) throw new CodecError('INVALID_ADTS', `ADTS header at byte ${offset} is cut off`);
  const b = (k: number) => buf[offset + k]!;
  if (b(0) !== 0xff || (b(1) & 0xf6) !== 0xf0) {
    throw new CodecError('INVALID_ADTS', `no ADTS syncword (layer 0) at byte ${offset}`);
  }
  const protectionAbsent = b(1) & 1;
  const profile = b(2) >> 6;
  const frequencyIndex = (b(2) >> 2) & 0x0f;
  const channelConfig = ((b(2) & 1) << 2) | (b(3) >> 6);
  const frameLength = ((b(3) & 3) << 11) | (b(4) << 3) | (b(5) >> 5);
  const rawBlocks = (b(6) & 3) + 1;
  const headerLength = protectionAbsent ? 7 : 9;
  if (frequencyIndex > 12) throw new CodecError('INVALID_ADTS', `reserved sampling_frequency_index ${frequencyIndex}`);
  if (frameLength <= headerLength) throw new CodecError('INVALID_ADTS', `frame_length ${frameLength} is too small`);
  if (rawBlocks !== 1) {
    throw new CodecError(
      'UNSUPPORTED_CODEC_FEATURE',
      `ADTS frame with ${rawBlocks} raw data blocks (only 1 supported)`,
    );
  }
  return { headerLength, frameLength, objectType: profile + 1, frequencyIndex, channelConfig };
}

/** The raw AAC frame inside one ADTS frame, as a subarray. */
export function stripAdts(frame: Uint8Array): Uint8Array {
  const header = readAdtsHeader(frame);
  if (header.frameLength > frame.length) {
    throw new CodecError('INVALID_ADTS', `frame_length ${header.frameLength} exceeds the ${frame.length} bytes given`);
  }
  return frame.subarray(header.headerLength, header.frameLength);
}

export interface AdtsStream {
  /** AudioSpecificConfig equivalent to the first header. */
  readonly asc: Uint8Array;
  /** Raw AAC frames (subarrays of the input), headers removed. */
  readonly frames: Uint8Array[];
}

/** Splits a buffer of whole ADTS frames; a cut-off last frame or a change of configuration is an error. */
export function parseAdts(buf: Uint8Array): AdtsStream {
  const frames: Uint8Array[] = [];
  let first: AdtsHeader | undefined;
  let pos = 0;
  while (pos < buf.length) {
    const header = readAdtsHeader(buf, pos);
    if (pos + header.frameLength > buf.length) {
      throw new CodecError('INVALID_ADTS', `last ADTS frame at byte ${pos} is cut off`);
    }
    if (first === undefined) {
      first = header;
    } else if (
      header.objectType !== first.objectType ||
      header.frequencyIndex !== first.frequencyIndex ||
      header.channelConfig !== first.channelConfig
    ) {
      throw new CodecError('INVALID_ADTS', `ADTS configuration changes at byte ${pos}`);
    }
    frames.push(buf.subarray(pos + header.headerLength, pos + header.frameLength));
    pos += header.frameLength;
  }
  if (first === undefined) throw new CodecError('INVALID_ADTS', 'no ADTS frames in an empty buffer');
  return { asc: buildAudioSpecificConfig(first.objectType, first.frequencyIndex, first.channelConfig), frames };
}
