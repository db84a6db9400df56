export { AacToOpus, type AacToOpusOptions, type OpusRtpOut, type TranscodeLatency } from './aac_to_opus.ts';
export { type AdtsParams, adtsParamsFromAsc, toAdts } from './adts.ts';
export { WebRtcBridgeError, type WebRtcBridgeErrorCode } from './errors.ts';
export {
  H264_DEFAULT_PAYLOAD_TYPE,
  profileLevelIdOf,
  StreamRtpSource,
  type StreamRtpSourceOptions,
} from './from_stream.ts';
export {
  type WhipToStreamBridge,
  type WhipToStreamOptions,
  type WhipToStreamStats,
  whipToStream,
} from './to_stream.ts';
