/**
 * The wire-format parsers and their error classes, for the fuzzer (`@glint/media-server/test-support/fuzz-targets`).
 * Not part of the server's public face: these are the pure byte-level pieces an attacker's bytes reach first.
 */

export { parseAvcDecoderConfigurationRecord, toFourByteLengthPrefixes } from '../src/protocols/flv/avc.ts';
export { FlvDemuxer } from '../src/protocols/flv/demuxer.ts';
export { FlvError } from '../src/protocols/flv/errors.ts';
export { FlvMediaReader, type FlvMediaReaderOptions } from '../src/protocols/flv/flv-media-reader.ts';
export type { FlvTag, MediaEvent } from '../src/protocols/flv/types.ts';
export { type AmfValue, amfProperties, decodeAmf0, decodeAmf0Value, encodeAmf0 } from '../src/protocols/rtmp/amf0.ts';
export {
  ChunkReader,
  type ChunkReaderLimits,
  DEFAULT_CHUNK_READER_LIMITS,
} from '../src/protocols/rtmp/chunk-reader.ts';
export { ChunkWriter } from '../src/protocols/rtmp/chunk-writer.ts';
export { commandMessage, decodeCommand, onMetaDataOf } from '../src/protocols/rtmp/command.ts';
export {
  DEFAULT_BEFORE_PUBLISH_LIMITS,
  type RtmpConnectionEvent,
  RtmpServerConnection,
} from '../src/protocols/rtmp/connection.ts';
export { RtmpError } from '../src/protocols/rtmp/errors.ts';
export { MessageType, type RtmpMessage } from '../src/protocols/rtmp/message.ts';
export {
  H264Depacketizer,
  packetizeH264,
  parseRtpPacket,
  RtpError,
  readOpusPayload,
  serializeRtpPacket,
} from '../src/protocols/rtp/index.ts';
export { adtsParamsFromAsc, toAdts } from '../src/transcode/adts.ts';
export { WebRtcBridgeError } from '../src/transcode/errors.ts';
