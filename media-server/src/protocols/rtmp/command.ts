import { type AmfObject, type AmfValue, amfProperties, decodeAmf0, encodeAmf0 } from './amf0.ts';
import { RtmpError } from './errors.ts';
import { ChunkStreamId, MessageType, type RtmpMessage } from './message.ts';

/** A decoded AMF command: name, transaction id, command object, then the optional arguments. */
export interface RtmpCommand {
  readonly name: string;
  readonly transactionId: number;
  readonly commandObject: AmfValue;
  readonly args: readonly AmfValue[];
}

/** AMF3 command and data messages start with a format byte; 0 means the rest is plain AMF0. */
function amfBody(message: RtmpMessage): Uint8Array {
  const amf3 = message.typeId === MessageType.CommandAmf3 || message.typeId === MessageType.DataAmf3;
  if (!amf3) return message.payload;
  if (message.payload[0] !== 0) {
    throw new RtmpError('COMMAND_INVALID', 'AMF3-encoded command bodies are not supported; send AMF0');
  }
  return message.payload.subarray(1);
}

export function decodeCommand(message: RtmpMessage): RtmpCommand {
  const values = decodeAmf0(amfBody(message));
  const [name, transactionId, commandObject, ...args] = values;
  if (typeof name !== 'string') throw new RtmpError('COMMAND_INVALID', 'command message does not start with a name');
  if (typeof transactionId !== 'number') {
    throw new RtmpError('COMMAND_INVALID', 'command message has no numeric transaction id');
  }
  return { name, transactionId, commandObject, args };
}

/** Values of a data message (e.g. `@setDataFrame`, `onMetaData`, {...}). */
export function decodeData(message: RtmpMessage): AmfValue[] {
  return decodeAmf0(amfBody(message));
}

export function commandMessage(
  streamId: number,
  name: string,
  transactionId: number,
  commandObject: AmfValue,
  ...args: AmfValue[]
): RtmpMessage {
  return {
    chunkStreamId: streamId === 0 ? ChunkStreamId.Command : ChunkStreamId.Status,
    timestamp: 0,
    typeId: MessageType.CommandAmf0,
    streamId,
    payload: encodeAmf0(name, transactionId, commandObject, ...args),
  };
}

export interface StatusInfo extends AmfObject {
  readonly level: 'status' | 'error' | 'warning';
  readonly code: string;
  readonly description: string;
}

export function onStatusMessage(streamId: number, info: StatusInfo): RtmpMessage {
  return commandMessage(streamId, 'onStatus', 0, null, info);
}

/** The metadata object of `onMetaData, {...}` or `@setDataFrame, onMetaData, {...}` (FLV script data or RTMP data). */
export function onMetaDataOf(values: readonly AmfValue[]): AmfObject | undefined {
  const at = values[0] === '@setDataFrame' ? 1 : 0;
  return values[at] === 'onMetaData' ? amfProperties(values[at + 1]) : undefined;
}
