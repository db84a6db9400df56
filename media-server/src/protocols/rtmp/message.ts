/** RTMP message type ids (RTMP 1.0 §5.4, §7.1). */
export const MessageType = {
  SetChunkSize: 1,
  Abort: 2,
  Acknowledgement: 3,
  UserControl: 4,
  WindowAckSize: 5,
  SetPeerBandwidth: 6,
  Audio: 8,
  Video: 9,
  DataAmf3: 15,
  SharedObjectAmf3: 16,
  CommandAmf3: 17,
  DataAmf0: 18,
  SharedObjectAmf0: 19,
  CommandAmf0: 20,
  Aggregate: 22,
} as const;

/** User control event types (RTMP 1.0 §7.1.7). */
export const UserControlEvent = {
  StreamBegin: 0,
  StreamEof: 1,
  StreamDry: 2,
  SetBufferLength: 3,
  StreamIsRecorded: 4,
  PingRequest: 6,
  PingResponse: 7,
} as const;

/** One reassembled RTMP message. `timestamp` is the 32-bit message timestamp in ms. */
export interface RtmpMessage {
  readonly chunkStreamId: number;
  readonly timestamp: number;
  readonly typeId: number;
  readonly streamId: number;
  readonly payload: Uint8Array;
}

/** Chunk stream ids by convention: 2 is reserved for protocol control; commands on 3; stream status on 5. */
export const ChunkStreamId = { Control: 2, Command: 3, Status: 5 } as const;

function u32(value: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0);
  return b;
}

function control(typeId: number, payload: Uint8Array): RtmpMessage {
  return { chunkStreamId: ChunkStreamId.Control, timestamp: 0, typeId, streamId: 0, payload };
}

export function setChunkSizeMessage(size: number): RtmpMessage {
  return control(MessageType.SetChunkSize, u32(size & 0x7fffffff));
}

export function acknowledgementMessage(sequenceNumber: number): RtmpMessage {
  return control(MessageType.Acknowledgement, u32(sequenceNumber));
}

export function windowAckSizeMessage(size: number): RtmpMessage {
  return control(MessageType.WindowAckSize, u32(size));
}

/** limitType: 0 hard, 1 soft, 2 dynamic. */
export function setPeerBandwidthMessage(size: number, limitType: 0 | 1 | 2): RtmpMessage {
  const payload = new Uint8Array(5);
  payload.set(u32(size), 0);
  payload[4] = limitType;
  return control(MessageType.SetPeerBandwidth, payload);
}

export function userControlMessage(event: number, value: number): RtmpMessage {
  const payload = new Uint8Array(6);
  const view = new DataView(payload.buffer);
  view.setUint16(0, event);
  view.setUint32(2, value >>> 0);
  return control(MessageType.UserControl, payload);
}

/** Reads the big-endian u32 at the start of a control message payload, or undefined if it is too short. */
export function readControlU32(payload: Uint8Array, offset = 0): number | undefined {
  if (payload.length < offset + 4) return undefined;
  return new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(offset);
}
