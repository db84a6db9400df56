export { RtpError, type RtpErrorCode } from './errors.ts';
export {
  type DepacketizeResult,
  type H264AccessUnit,
  H264Depacketizer,
  type H264DepacketizerOptions,
  joinAnnexB,
} from './h264-depacketizer.ts';
export {
  DEFAULT_MAX_PAYLOAD_BYTES,
  type H264PacketizeOptions,
  packetizeH264,
  prepareAccessUnit,
  RtpNalType,
  type RtpPayload,
  RtpSequencer,
  type RtpSequencerOptions,
} from './h264-packetizer.ts';
export {
  OPUS_CLOCK_RATE,
  OPUS_DEFAULT_PAYLOAD_TYPE,
  OPUS_RTP_CODEC,
  OPUS_SAMPLES_PER_20MS,
  opus90kToTicks,
  opusTicksTo90k,
  readOpusPayload,
} from './opus.ts';
export {
  isRtcp,
  parseRtpPacket,
  type RtpHeader,
  type RtpHeaderExtension,
  type RtpPacket,
  serializeRtpPacket,
} from './packet.ts';
export { RtpTimestampUnwrapper, rescaleTicks, SequenceUnwrapper, to90k, toRtpTimestamp } from './timestamps.ts';
