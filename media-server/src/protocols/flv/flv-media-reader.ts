import { codec } from '@glint/media-core';
import { decodeAmf0 } from '../rtmp/amf0.ts';
import { onMetaDataOf } from '../rtmp/command.ts';
import { type AvcFrameLimits, inBandSps, parseAvcDecoderConfigurationRecord, toFourByteLengthPrefixes } from './avc.ts';
import { FlvError, type FlvErrorCode } from './errors.ts';
import type { FlvTag, MediaEvent } from './types.ts';

/** FLV VideoTagHeader CodecID values (FLV 10.1 E.4.3.1; 12 is the common HEVC extension). */
const VIDEO_CODECS: Readonly<Record<number, string>> = {
  1: 'JPEG',
  2: 'Sorenson H.263',
  3: 'Screen Video',
  4: 'On2 VP6',
  5: 'On2 VP6 with alpha',
  6: 'Screen Video v2',
  7: 'AVC (H.264)',
  12: 'HEVC (H.265)',
  13: 'AV1',
};

/** Enhanced RTMP (veovera) video FourCCs. */
const VIDEO_FOURCCS: Readonly<Record<string, string>> = {
  avc1: 'AVC (H.264)',
  hvc1: 'HEVC (H.265)',
  av01: 'AV1',
  vp09: 'VP9',
  vp08: 'VP8',
};

/** FLV AudioTagHeader SoundFormat values (FLV 10.1 E.4.2.1). */
const AUDIO_CODECS: Readonly<Record<number, string>> = {
  0: 'Linear PCM (platform endian)',
  1: 'ADPCM',
  2: 'MP3',
  3: 'Linear PCM (little endian)',
  4: 'Nellymoser 16 kHz mono',
  5: 'Nellymoser 8 kHz mono',
  6: 'Nellymoser',
  7: 'G.711 A-law',
  8: 'G.711 mu-law',
  10: 'AAC',
  11: 'Speex',
  14: 'MP3 8 kHz',
  15: 'Device-specific sound',
};

/** Enhanced RTMP audio FourCCs (SoundFormat 9 = ExHeader). */
const AUDIO_FOURCCS: Readonly<Record<string, string>> = {
  Opus: 'Opus',
  fLaC: 'FLAC',
  'ac-3': 'AC-3',
  'ec-3': 'E-AC-3',
  '.mp3': 'MP3',
  mp4a: 'AAC',
};

const VIDEO_FRAME_KEY = 1;
/** Frame type 5 carries a command (e.g. seek start/end), not a picture. */
const VIDEO_FRAME_COMMAND = 5;

const AVC_SEQUENCE_HEADER = 0;
const AVC_NALU = 1;
const AVC_END_OF_SEQUENCE = 2;

const EX_SEQUENCE_START = 0;
const EX_CODED_FRAMES = 1;
const EX_SEQUENCE_END = 2;
/** CodedFrames without the composition time field: it is zero. */
const EX_CODED_FRAMES_X = 3;
const EX_METADATA = 4;

const SOUND_FORMAT_AAC = 10;
const SOUND_FORMAT_EX_HEADER = 9;

/** Refuses an AudioSpecificConfig the outputs could not describe, with the setting to change when it is ours. */
function checkAudioSpecificConfig(asc: Uint8Array): void {
  try {
    codec.parseAudioSpecificConfig(asc);
  } catch (error) {
    if (!(error instanceof codec.CodecError)) throw error;
    if (error.code === 'UNSUPPORTED_CODEC_FEATURE') {
      throw new FlvError('UNSUPPORTED_CODEC', `AAC: ${error.message}; set the encoder to AAC-LC, mono or stereo`);
    }
    throw new FlvError('INVALID_DECODER_CONFIG', `AAC AudioSpecificConfig is invalid: ${error.message}`);
  }
}

function unsupportedCodec(kind: 'video' | 'audio', name: string): FlvError {
  const accepted = kind === 'video' ? 'H.264 (AVC)' : 'AAC';
  return new FlvError('UNSUPPORTED_CODEC', `${kind} codec ${name} is not supported; set the encoder to ${accepted}`);
}

function fourCc(body: Uint8Array): string {
  if (body.length < 5) throw new FlvError('TRUNCATED', 'enhanced tag header is shorter than 5 bytes');
  return String.fromCharCode(body[1]!, body[2]!, body[3]!, body[4]!);
}

/** Signed 24-bit big-endian integer. */
function si24(b: Uint8Array, at: number): number {
  const v = (b[at]! << 16) | (b[at + 1]! << 8) | b[at + 2]!;
  return v & 0x800000 ? v - 0x1000000 : v;
}

/** Errors that condemn one frame's content, not the connection: the frame is dropped and the stream goes on. */
const FRAME_ERRORS: ReadonlySet<FlvErrorCode> = new Set([
  'INVALID_NALU_LENGTH',
  'INVALID_IN_BAND_SPS',
  'EMPTY_NALU',
  'TOO_MANY_NALUS',
  'FRAME_TOO_LARGE',
]);

/** Video frames in a row that may be dropped before the publisher is: 5 s at 30 fps. */
export const DEFAULT_MAX_CONSECUTIVE_DROPPED_FRAMES = 150;

export interface FlvMediaReaderOptions extends AvcFrameLimits {
  /**
   * A video frame was dropped (empty or too many NAL units, too large, lengths that overrun it, an in-band SPS that
   * does not parse); the stream goes on.
   * Log it: nothing else tells the streamer.
   */
  readonly onDroppedFrame?: (error: FlvError) => void;
  /** After this many dropped video frames in a row, TOO_MANY_BAD_FRAMES is thrown (drop the publisher). Default 150. */
  readonly maxConsecutiveDroppedFrames?: number;
}

/**
 * Turns FLV audio/video tag bodies (the payload of RTMP messages 8 and 9, too) into typed media events.
 * Keeps the NAL unit length size announced by the AVC sequence header; everything else is per tag.
 * Returns undefined for tags that carry nothing to deliver (end of sequence, command frames, dropped frames).
 * Codec configuration the outputs could not use (an invalid SPS or AudioSpecificConfig) throws: without it the stream
 * is unusable. A video frame whose NAL units are malformed is dropped and reported through `onDroppedFrame`.
 */
export class FlvMediaReader {
  readonly #options: FlvMediaReaderOptions;
  readonly #maxConsecutiveDrops: number;
  #lengthSize: number | undefined;
  /** SPS NAL units known to parse (the sequence header's, the last in-band one): not parsed again. */
  #goodSps: readonly Uint8Array[] = [];
  #consecutiveDrops = 0;

  constructor(options: FlvMediaReaderOptions = {}) {
    this.#options = options;
    this.#maxConsecutiveDrops = options.maxConsecutiveDroppedFrames ?? DEFAULT_MAX_CONSECUTIVE_DROPPED_FRAMES;
  }

  video(body: Uint8Array, timestampMs: number): MediaEvent | undefined {
    if (body.length < 1) throw new FlvError('TRUNCATED', 'empty video tag');
    const b0 = body[0]!;
    if (b0 & 0x80) return this.#enhancedVideo(body, timestampMs);
    const frameType = b0 >> 4;
    const codecId = b0 & 0x0f;
    if (frameType === VIDEO_FRAME_COMMAND) return undefined;
    if (codecId !== 7) throw unsupportedCodec('video', VIDEO_CODECS[codecId] ?? `id ${codecId}`);
    if (body.length < 5) throw new FlvError('TRUNCATED', 'AVC video tag is shorter than its 5-byte header');
    const packetType = body[1]!;
    const payload = body.subarray(5);
    switch (packetType) {
      case AVC_SEQUENCE_HEADER:
        return this.#config(payload, timestampMs);
      case AVC_NALU:
        return this.#frame(payload, timestampMs, si24(body, 2), frameType === VIDEO_FRAME_KEY);
      case AVC_END_OF_SEQUENCE:
        return undefined;
      default:
        throw new FlvError('UNSUPPORTED_PACKET_TYPE', `AVC packet type ${packetType} is not defined`);
    }
  }

  /** Enhanced RTMP ExVideoTagHeader: [1 IsExHeader][3 FrameType][4 PacketType][FourCC]. */
  #enhancedVideo(body: Uint8Array, timestampMs: number): MediaEvent | undefined {
    const frameType = (body[0]! >> 4) & 0x07;
    const packetType = body[0]! & 0x0f;
    const fourcc = fourCc(body);
    if (fourcc !== 'avc1') throw unsupportedCodec('video', VIDEO_FOURCCS[fourcc] ?? `FourCC '${fourcc}'`);
    if (frameType === VIDEO_FRAME_COMMAND || packetType === EX_METADATA || packetType === EX_SEQUENCE_END) {
      return undefined;
    }
    switch (packetType) {
      case EX_SEQUENCE_START:
        return this.#config(body.subarray(5), timestampMs);
      case EX_CODED_FRAMES:
        if (body.length < 8) throw new FlvError('TRUNCATED', 'enhanced AVC frame lacks its composition time');
        return this.#frame(body.subarray(8), timestampMs, si24(body, 5), frameType === VIDEO_FRAME_KEY);
      case EX_CODED_FRAMES_X:
        return this.#frame(body.subarray(5), timestampMs, 0, frameType === VIDEO_FRAME_KEY);
      default:
        throw new FlvError(
          'UNSUPPORTED_PACKET_TYPE',
          `enhanced RTMP video packet type ${packetType} (multitrack or extensions) is not supported`,
        );
    }
  }

  #config(record: Uint8Array, timestampMs: number): MediaEvent {
    const parsed = parseAvcDecoderConfigurationRecord(record);
    this.#lengthSize = parsed.lengthSize;
    this.#goodSps = parsed.config.sps;
    return { kind: 'video-config', config: parsed.config, timestampMs };
  }

  #frame(data: Uint8Array, timestampMs: number, compositionTimeMs: number, keyframe: boolean): MediaEvent | undefined {
    if (this.#lengthSize === undefined) {
      throw new FlvError('MISSING_DECODER_CONFIG', 'an AVC frame came before the AVC sequence header');
    }
    if (data.length === 0) return undefined;
    let avcc: Uint8Array;
    try {
      avcc = toFourByteLengthPrefixes(data, this.#lengthSize, this.#options);
      this.#checkInBandSps(avcc);
    } catch (error) {
      if (!(error instanceof FlvError) || !FRAME_ERRORS.has(error.code)) throw error;
      this.#options.onDroppedFrame?.(error);
      if (++this.#consecutiveDrops >= this.#maxConsecutiveDrops) {
        throw new FlvError(
          'TOO_MANY_BAD_FRAMES',
          `${this.#consecutiveDrops} video frames in a row were malformed (last: ${error.message}); check the encoder`,
        );
      }
      return undefined;
    }
    this.#consecutiveDrops = 0;
    return {
      kind: 'video',
      au: {
        data: avcc,
        format: 'avcc',
        dts90k: timestampMs * 90,
        pts90k: (timestampMs + compositionTimeMs) * 90,
        keyframe,
      },
    };
  }

  /** An SPS repeated inside a frame reaches the outputs as much as the sequence header's: it must parse too. */
  #checkInBandSps(avcc: Uint8Array): void {
    for (const sps of inBandSps(avcc)) {
      if (this.#goodSps.some((good) => Buffer.compare(good, sps) === 0)) continue;
      try {
        codec.parseSps(sps);
      } catch (error) {
        if (!(error instanceof codec.CodecError)) throw error;
        throw new FlvError('INVALID_IN_BAND_SPS', `the SPS inside a video frame is invalid: ${error.message}`);
      }
      this.#goodSps = [...this.#goodSps.slice(-3), new Uint8Array(sps)];
    }
  }

  audio(body: Uint8Array, timestampMs: number): MediaEvent | undefined {
    if (body.length < 1) throw new FlvError('TRUNCATED', 'empty audio tag');
    const soundFormat = body[0]! >> 4;
    if (soundFormat === SOUND_FORMAT_EX_HEADER) return this.#enhancedAudio(body, timestampMs);
    if (soundFormat !== SOUND_FORMAT_AAC) {
      throw unsupportedCodec('audio', AUDIO_CODECS[soundFormat] ?? `id ${soundFormat}`);
    }
    if (body.length < 2) throw new FlvError('TRUNCATED', 'AAC audio tag lacks its packet type');
    return this.#aac(body[1]!, body.subarray(2), timestampMs);
  }

  /** Enhanced RTMP ExAudioTagHeader: [4 SoundFormat=9][4 PacketType][FourCC]; packet types as for video. */
  #enhancedAudio(body: Uint8Array, timestampMs: number): MediaEvent | undefined {
    const fourcc = fourCc(body);
    if (fourcc !== 'mp4a') throw unsupportedCodec('audio', AUDIO_FOURCCS[fourcc] ?? `FourCC '${fourcc}'`);
    const packetType = body[0]! & 0x0f;
    if (packetType === EX_SEQUENCE_END) return undefined;
    if (packetType !== EX_SEQUENCE_START && packetType !== EX_CODED_FRAMES) {
      throw new FlvError('UNSUPPORTED_PACKET_TYPE', `enhanced RTMP audio packet type ${packetType} is not supported`);
    }
    return this.#aac(packetType === EX_SEQUENCE_START ? 0 : 1, body.subarray(5), timestampMs);
  }

  #aac(packetType: number, payload: Uint8Array, timestampMs: number): MediaEvent | undefined {
    if (packetType === 0) {
      if (payload.length < 2) {
        throw new FlvError('INVALID_DECODER_CONFIG', 'AAC AudioSpecificConfig is shorter than 2 bytes');
      }
      checkAudioSpecificConfig(payload);
      return { kind: 'audio-config', config: { codec: 'aac', asc: new Uint8Array(payload) }, timestampMs };
    }
    if (packetType !== 1) throw new FlvError('UNSUPPORTED_PACKET_TYPE', `AAC packet type ${packetType} is not defined`);
    if (payload.length === 0) return undefined;
    return { kind: 'audio', frame: { data: payload, pts90k: timestampMs * 90 } };
  }

  /** Any FLV tag (from a file or the demuxer): video, audio or script data, by its type. */
  tag(tag: FlvTag): MediaEvent | undefined {
    if (tag.type === 'video') return this.video(tag.data, tag.timestampMs);
    if (tag.type === 'audio') return this.audio(tag.data, tag.timestampMs);
    return this.script(tag.data);
  }

  /** An FLV script tag body; onMetaData becomes a metadata event, other script data is dropped. */
  script(body: Uint8Array): MediaEvent | undefined {
    const metadata = onMetaDataOf(decodeAmf0(body));
    return metadata === undefined ? undefined : { kind: 'metadata', metadata };
  }
}
