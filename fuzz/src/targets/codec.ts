import { codec } from '@glint/media-core';
import {
  adtsParamsFromAsc,
  FlvError,
  parseAvcDecoderConfigurationRecord,
  toAdts,
  toFourByteLengthPrefixes,
  WebRtcBridgeError,
} from '@glint/media-server/test-support/fuzz-targets';
import { generateAdts, generateAsc } from '../generators/aac.ts';
import {
  generateAnnexB,
  generateAvcConfig,
  generateLengthPrefixed,
  generateNal,
  generateSps,
} from '../generators/h264.ts';
import type { Random } from '../random.ts';
import { attempt, bucket, type FuzzTarget, invariant, sameBytes, type TypedErrorClass } from './target.ts';

const CODEC = 'media-core/src/codec/';
const H264_ERRORS: readonly TypedErrorClass[] = [codec.CodecError, FlvError];

function sameNals(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((nal, i) => sameBytes(nal, b[i]!));
}

/** Every H.264 reader on the same bytes, each one's typed error noted, with the round trips they promise. */
export const h264: FuzzTarget = {
  name: 'h264',
  description: 'parseSps, splitAnnexB, splitLengthPrefixed(1/2/4), toLengthPrefixed, AVCDecoderConfigurationRecord',
  sources: [`${CODEC}h264.ts`, `${CODEC}h264-sps.ts`, `${CODEC}bit-reader.ts`, 'media-server/src/protocols/flv/avc.ts'],
  typedErrors: H264_ERRORS,
  generate(rng: Random) {
    switch (rng.below(6)) {
      case 0:
        return generateSps(rng);
      case 1:
        return generateAnnexB(rng);
      case 2:
        return generateAvcConfig(rng);
      case 3:
        return generateNal(rng);
      default:
        return generateLengthPrefixed(rng, rng.pick([1, 2, 4] as const));
    }
  },
  run(input) {
    const out: string[] = [];
    out.push(`sps:${attempt(H264_ERRORS, () => [codec.parseSps(input), codec.avcCodecString(input)])}`);
    let annexB: Uint8Array[] = [];
    out.push(`annexb:${attempt(H264_ERRORS, () => (annexB = codec.splitAnnexB(input)))}:${bucket(annexB.length)}`);
    for (const nal of annexB) {
      invariant(nal.length > 0 && nal[nal.length - 1] !== 0, 'splitAnnexB returned an empty NAL or one ending in 0');
      if (codec.nalType(nal) === codec.NalType.SPS) out.push(`asps:${attempt(H264_ERRORS, () => codec.parseSps(nal))}`);
    }
    for (const size of [1, 2, 4] as const) {
      let nals: Uint8Array[] = [];
      const split = attempt(H264_ERRORS, () => (nals = codec.splitLengthPrefixed(input, size)));
      if (split === 'ok') {
        const four = codec.toLengthPrefixed(nals);
        invariant(sameNals(codec.splitLengthPrefixed(four, 4), nals), `length-prefixed ${size} → 4 changes the NALs`);
        if (size === 4) invariant(sameBytes(four, input), 'toLengthPrefixed(splitLengthPrefixed(x)) is not x');
      }
      let converted: Uint8Array | undefined;
      const flv = attempt(H264_ERRORS, () => (converted = toFourByteLengthPrefixes(input, size)));
      if (converted !== undefined) {
        invariant(split === 'ok', `FLV accepts ${size}-byte prefixes the packager refuses (${split})`);
        invariant(sameNals(codec.splitLengthPrefixed(converted, 4), nals), 'FLV conversion changes the NAL units');
      }
      out.push(`lp${size}:${split}:${flv}`);
    }
    out.push(
      `avcc:${attempt(H264_ERRORS, () => {
        const record = parseAvcDecoderConfigurationRecord(input);
        for (const sps of record.config.sps) codec.parseSps(sps);
      })}`,
    );
    return out.join('|');
  },
};

const AAC_ERRORS: readonly TypedErrorClass[] = [codec.CodecError, WebRtcBridgeError];

/** AudioSpecificConfig and ADTS readers, and the ADTS writer of the WebRTC bridge against the reader. */
export const aac: FuzzTarget = {
  name: 'aac',
  description: 'parseAudioSpecificConfig, readAdtsHeader/stripAdts/parseAdts, adtsParamsFromAsc + toAdts round trip',
  sources: [`${CODEC}aac.ts`, 'media-server/src/transcode/adts.ts'],
  typedErrors: AAC_ERRORS,
  generate(rng: Random) {
    return rng.chance(0.5) ? generateAsc(rng) : generateAdts(rng);
  },
  run(input) {
    const out: string[] = [];
    out.push(`asc:${attempt(AAC_ERRORS, () => codec.aacCodecString(input))}`);
    out.push(`bridge:${attempt(AAC_ERRORS, () => adtsParamsFromAsc(input))}`);
    out.push(`strip:${attempt(AAC_ERRORS, () => codec.stripAdts(input))}`);
    let stream: codec.AdtsStream | undefined;
    out.push(`adts:${attempt(AAC_ERRORS, () => (stream = codec.parseAdts(input)))}`);
    if (stream !== undefined) {
      const frames = stream.frames;
      out.push(`frames:${bucket(frames.length)}`);
      out.push(`adtsasc:${attempt(AAC_ERRORS, () => codec.parseAudioSpecificConfig(stream!.asc))}`);
      out.push(
        `rewrap:${attempt(AAC_ERRORS, () => {
          const params = adtsParamsFromAsc(stream!.asc);
          for (const frame of frames) {
            const again = codec.stripAdts(toAdts(params, frame));
            invariant(sameBytes(again, frame), 'toAdts then stripAdts changes the frame');
          }
        })}`,
      );
    }
    return out.join('|');
  },
};
