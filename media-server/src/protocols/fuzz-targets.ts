/**
 * The wire-format parsers and their error classes, for the fuzzer (`@glint/media-server/test-support/fuzz-targets`).
 * Not part of the server's public face: these are the pure byte-level pieces an attacker's bytes reach first.
 */

export { parseAvcDecoderConfigurationRecord, toFourByteLengthPrefixes } from './flv/avc.ts';
export { FlvDemuxer } from './flv/demuxer.ts';
export { FlvError } from './flv/errors.ts';
export { FlvToStream, type FlvToStreamOptions } from './flv/to_stream.ts';
export type { FlvTag, MediaEvent } from './flv/types.ts';
export { type AmfValue, amfProperties, decodeAmf0, decodeAmf0Value, encodeAmf0 } from './rtmp/amf0.ts';
export { ChunkReader, type ChunkReaderLimits, DEFAULT_CHUNK_READER_LIMITS } from './rtmp/chunk_reader.ts';
export { ChunkWriter } from './rtmp/chunk_writer.ts';
export { commandMessage, decodeCommand, onMetaDataOf } from './rtmp/command.ts';
export { DEFAULT_BEFORE_PUBLISH_LIMITS, type RtmpConnectionEvent, RtmpServerConnection } from './rtmp/connection.ts';
export { RtmpError } from './rtmp/errors.ts';
export { MessageType, type RtmpMessage } from './rtmp/message.ts';
export {
  H264Depacketizer,
  packetizeH264,
  parseRtpPacket,
  RtpError,
  readOpusPayload,
  serializeRtpPacket,
} from './rtp/index.ts';
export { adtsParamsFromAsc, toAdts } from './webrtc/adts.ts';
export { WebRtcBridgeError } from './webrtc/errors.ts';
