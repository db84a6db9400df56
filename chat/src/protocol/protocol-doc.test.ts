import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAT_LIMITS } from '../server/chat-limits.ts';
import { MOD_LIMITS } from './mod-action-codec.ts';
import {
  type ChatErrorCode,
  CLOSE_CODES,
  type ClientFrame,
  MAX_CLIENT_FRAME_BYTES,
  MAX_MESSAGE_CHARS,
  type ModAction,
  type RoomEvent,
  type ServerFrame,
} from './types.ts';

/** Every member of a union, listed once; tsc fails here when types.ts gains one this list (and the doc) lacks. */
function all<T extends string>() {
  return <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : 'missing a member')) => list;
}

const ERROR_CODES = all<ChatErrorCode>()([
  'BAD_FRAME',
  'UNKNOWN_TYPE',
  'NOT_SIGNED_IN',
  'NO_SUCH_ROOM',
  'NOT_JOINED',
  'TOO_MANY_ROOMS',
  'MESSAGE_TOO_LONG',
  'EMPTY_MESSAGE',
  'RATE_LIMITED',
  'SLOW_MODE',
  'TIMED_OUT',
  'BANNED',
  'FOLLOWERS_ONLY',
  'SUBSCRIBERS_ONLY',
  'EMOTE_ONLY',
  'BLOCKED_TERM',
  'FORBIDDEN',
  'NO_SUCH_USER',
  'NO_SUCH_MESSAGE',
  'UNAVAILABLE',
]);
const CLIENT_TYPES = all<ClientFrame['type']>()(['join', 'leave', 'send', 'mod', 'ping']);
const SERVER_TYPES = all<ServerFrame['type']>()(['hello', 'joined', 'events', 'counts', 'error', 'pong']);
const EVENT_KINDS = all<RoomEvent['kind']>()([
  'message',
  'deleted',
  'cleared',
  'timed-out',
  'banned',
  'unbanned',
  'settings',
]);
const MOD_KINDS = all<ModAction['kind']>()([
  'delete',
  'timeout',
  'ban',
  'unban',
  'clear',
  'slow',
  'followers-only',
  'subscribers-only',
  'emote-only',
  'blocked-terms',
]);

const doc = readFileSync(new URL('../../PROTOCOL.md', import.meta.url), 'utf8');

/** The rows of the markdown table under a heading: the first cell of each, backticks removed. */
function tableKeys(heading: string): string[] {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`PROTOCOL.md has no heading "${heading}"`);
  const after = doc.slice(start + heading.length + 2);
  const next = after.search(/\n#{2,4} /);
  const section = next < 0 ? after : after.slice(0, next);
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('|---'))
    .slice(1)
    .map((line) => (line.split('|')[1] ?? '').trim().replaceAll('`', ''));
}

/** A number as the doc may write it: 1209600, 1 209 600 or 1,209,600. */
const mentions = (n: number) =>
  [String(n), n.toLocaleString('en-US'), n.toLocaleString('en-US').replaceAll(',', ' ')].some((s) => doc.includes(s));

describe('PROTOCOL.md against types.ts', () => {
  it('lists every error code, and no other, in its errors table', () => {
    expect(tableKeys('## Errors').sort()).toEqual([...ERROR_CODES].sort());
  });

  it('lists every close code the server uses in its close codes table', () => {
    const documented = tableKeys('## Close codes').map(Number);
    for (const code of [...Object.values(CLOSE_CODES), 1007, 1008, 1009, 1013]) expect(documented).toContain(code);
  });

  it('documents every frame type both ways and every event kind', () => {
    expect(tableKeys('### Client → server')).toEqual([...CLIENT_TYPES]);
    expect(tableKeys('### Server → client')).toEqual([...SERVER_TYPES]);
    expect(tableKeys('#### Events')).toEqual([...EVENT_KINDS]);
    for (const type of [...CLIENT_TYPES, ...SERVER_TYPES]) expect(doc).toContain(`{"type":"${type}"`);
  });

  it('documents every moderation action with the bounds the codec enforces', () => {
    const actions = tableKeys('## Moderation').map((cell) => /"kind":"([a-z-]+)"/.exec(cell)?.[1]);
    expect(actions).toEqual([...MOD_KINDS]);
    for (const n of Object.values(MOD_LIMITS)) expect(mentions(n), `PROTOCOL.md mentions ${n}`).toBe(true);
  });

  it('states the protocol limits and the server defaults it quotes', () => {
    expect(doc).toContain(`${MAX_CLIENT_FRAME_BYTES} bytes`);
    expect(doc).toContain(`${MAX_MESSAGE_CHARS} characters`);
    const d = DEFAULT_CHAT_LIMITS;
    expect(doc).toContain(`| rooms per connection | ${d.maxRoomsPerConnection} `);
    expect(doc).toContain(`| connections per address | ${d.maxConnectionsPerAddress} `);
    expect(doc).toContain(`| frames per connection | ${d.framesPerSecond} per second`);
    expect(doc).toContain(`| history on join / reconnect | ${d.historyLimit} events`);
    expect(doc).toContain(`| outgoing queue per connection | ${d.maxBufferedBytes / 1024 / 1024} MiB`);
    expect(doc).toContain(`| counts | every ${d.countsIntervalMs / 1000} s`);
    expect(doc).toContain(`at most every ${d.batchMs} ms`);
    expect(doc).toContain(`every ${d.pingIntervalMs / 1000} s`);
    expect(doc).toContain(`| viewers, followers | ${d.messagesPerSecond} per second`);
    expect(doc).toContain(`| subscribers | ${d.subscriberMessagesPerSecond} per second`);
  });
});
