import { asObject, type Fields, isError, matching, onlyFields, plainText } from './frame-fields.ts';
import { parseModAction } from './mod-action-codec.ts';
import { badFrame, ChatProtocolError } from './protocol-error.ts';
import { type ClientFrame, MAX_MESSAGE_CHARS, type ServerFrame } from './types.ts';

/** A room is a channel's name. */
export const ROOM_PATTERN = /^[a-z0-9_]{3,25}$/;
const ROOM_RULE = "a channel's name (3 to 25 lower-case letters, digits or underscores)";
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const CLIENT_TYPES = ['join', 'leave', 'send', 'mod', 'ping'] as const;

/**
 * One client text frame, validated whole: a JSON object of a known `type` with exactly that type's fields, each
 * within its bounds. Returns the frame (a `send`'s text trimmed, logins lower-cased) or the error to send back; it
 * never throws. The frame's size in bytes and its UTF-8 are checked before this, by the socket (1009, 1007).
 */
export function parseClientFrame(text: string): ClientFrame | ChatProtocolError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return badFrame('the frame is not JSON; send one JSON object per text frame');
  }
  const frame = asObject(json, 'the frame');
  if (isError(frame)) return frame;
  const type = frame.type;
  if (type === undefined) return badFrame('frame.type is required (join, leave, send, mod or ping)');
  if (typeof type !== 'string') return badFrame('frame.type must be a string (join, leave, send, mod or ping)');
  switch (type) {
    case 'join':
      return onlyFields(frame, ['type', 'room', 'since'], 'frame') ?? join(frame);
    case 'leave':
      return onlyFields(frame, ['type', 'room'], 'frame') ?? withRoom(frame, (room) => ({ type, room }));
    case 'send':
      return onlyFields(frame, ['type', 'room', 'text', 'nonce'], 'frame') ?? send(frame);
    case 'mod':
      return (
        onlyFields(frame, ['type', 'room', 'action'], 'frame') ??
        withRoom(frame, (room) => {
          const action = parseModAction(frame.action);
          return isError(action) ? action : { type, room, action };
        })
      );
    case 'ping':
      return onlyFields(frame, ['type'], 'frame') ?? { type };
    default:
      return new ChatProtocolError(
        'UNKNOWN_TYPE',
        `frame.type "${type.slice(0, 40)}" is not a frame of protocol v1 (${CLIENT_TYPES.join(', ')})`,
      );
  }
}

/** A server frame as the text sent on the socket: built once, the same bytes to every member of a room. */
export function serializeServerFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}

function withRoom(
  frame: Fields,
  build: (room: string) => ClientFrame | ChatProtocolError,
): ClientFrame | ChatProtocolError {
  const room = matching(frame, 'room', 'frame', ROOM_PATTERN, ROOM_RULE);
  return isError(room) ? room : build(room);
}

function join(frame: Fields): ClientFrame | ChatProtocolError {
  return withRoom(frame, (room) => {
    const since = frame.since;
    if (since === undefined) return { type: 'join', room };
    if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) {
      return badFrame('frame.since must be a whole number ≥ 0: the last seq you received in this room');
    }
    return { type: 'join', room, since };
  });
}

function send(frame: Fields): ClientFrame | ChatProtocolError {
  return withRoom(frame, (room) => {
    const nonce = frame.nonce;
    if (nonce !== undefined && (typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce))) {
      return badFrame('frame.nonce must be 1 to 64 letters, digits, _ or -');
    }
    const text = messageText(frame.text);
    if (isError(text)) return text;
    return nonce === undefined ? { type: 'send', room, text } : { type: 'send', room, text, nonce };
  });
}

/** A message's text, trimmed: EMPTY_MESSAGE and MESSAGE_TOO_LONG have their own codes (clients show them). */
function messageText(value: unknown): string | ChatProtocolError {
  if (value === undefined) return badFrame('frame.text is required');
  if (typeof value !== 'string') return badFrame('frame.text must be a string');
  return plainText(value, 'frame.text', MAX_MESSAGE_CHARS, { empty: 'EMPTY_MESSAGE', tooLong: 'MESSAGE_TOO_LONG' });
}
