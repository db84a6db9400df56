export {
  type AdtsHeader,
  type AdtsStream,
  type AudioSpecificConfigInfo,
  aacCodecString,
  buildAudioSpecificConfig,
  parseAdts,
  parseAudioSpecificConfig,
  readAdtsHeader,
  stripAdts,
} from './aac.ts';
export { CodecError, type CodecErrorCode } from './errors.ts';
export {
  avcCodecString,
  MAX_ACCESS_UNIT_BYTES,
  MAX_NALS_PER_ACCESS_UNIT,
  NalType,
  nalType,
  parseSps,
  type SpsInfo,
  splitAnnexB,
  splitLengthPrefixed,
  toLengthPrefixed,
} from './h264.ts';
export { OPUS_CODEC_STRING, opusPacketSamples } from './opus.ts';
