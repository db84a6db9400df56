import { seededRandom } from '@glint/testkit';
import { describe, expect, it } from 'vitest';
import { parseClientFrame, serializeServerFrame } from './codec.ts';
import { ChatProtocolError } from './protocol-error.ts';
import type { ServerFrame } from './types.ts';

const frame = (value: unknown) => parseClientFrame(JSON.stringify(value));

function refused(result: unknown, code: string, mentions: string): void {
  expect(result).toBeInstanceOf(ChatProtocolError);
  const error = result as ChatProtocolError;
  expect(error.code).toBe(code);
  expect(error.message).toContain(mentions);
}

describe('parseClientFrame: good frames', () => {
  it('reads every client frame type', () => {
    expect(frame({ type: 'ping' })).toEqual({ type: 'ping' });
    expect(frame({ type: 'join', room: 'alice' })).toEqual({ type: 'join', room: 'alice' });
    expect(frame({ type: 'join', room: 'a_1', since: 0 })).toEqual({ type: 'join', room: 'a_1', since: 0 });
    expect(frame({ type: 'join', room: 'alice', since: 1234 })).toEqual({ type: 'join', room: 'alice', since: 1234 });
    expect(frame({ type: 'leave', room: 'alice' })).toEqual({ type: 'leave', room: 'alice' });
    expect(frame({ type: 'send', room: 'alice', text: 'hi' })).toEqual({ type: 'send', room: 'alice', text: 'hi' });
    expect(frame({ type: 'send', room: 'alice', text: 'hi', nonce: 'n-1_A' })).toEqual({
      type: 'send',
      room: 'alice',
      text: 'hi',
      nonce: 'n-1_A',
    });
    expect(frame({ type: 'mod', room: 'alice', action: { kind: 'clear' } })).toEqual({
      type: 'mod',
      room: 'alice',
      action: { kind: 'clear' },
    });
  });

  it('trims a message and counts characters as code points (an emoji is one)', () => {
    expect(frame({ type: 'send', room: 'alice', text: '  hello there \u00a0' })).toMatchObject({ text: 'hello there' });
    const emoji = '😀'.repeat(500);
    expect(frame({ type: 'send', room: 'alice', text: emoji })).toMatchObject({ text: emoji });
    expect(frame({ type: 'send', room: 'alice', text: 'x'.repeat(500) })).toMatchObject({ text: 'x'.repeat(500) });
    expect(frame({ type: 'send', room: 'alice', text: 'é中文 ñ' })).toMatchObject({ text: 'é中文 ñ' });
  });

  it('accepts a script tag as plain text: the server never renders HTML, clients insert text', () => {
    const text = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    expect(frame({ type: 'send', room: 'alice', text })).toEqual({ type: 'send', room: 'alice', text });
  });

  it('reads every moderation action at its bounds', () => {
    const mod = (action: unknown) => frame({ type: 'mod', room: 'alice', action });
    const ok: [unknown, unknown][] = [
      [
        { kind: 'delete', messageId: 'm0abc-_9' },
        { kind: 'delete', messageId: 'm0abc-_9' },
      ],
      [
        { kind: 'timeout', login: 'Bob', seconds: 1 },
        { kind: 'timeout', login: 'bob', seconds: 1 },
      ],
      [
        { kind: 'timeout', login: 'bob', seconds: 1_209_600 },
        { kind: 'timeout', login: 'bob', seconds: 1_209_600 },
      ],
      [
        { kind: 'ban', login: 'BOB_1' },
        { kind: 'ban', login: 'bob_1' },
      ],
      [
        { kind: 'unban', login: 'bob' },
        { kind: 'unban', login: 'bob' },
      ],
      [
        { kind: 'slow', seconds: 0 },
        { kind: 'slow', seconds: 0 },
      ],
      [
        { kind: 'slow', seconds: 3 },
        { kind: 'slow', seconds: 3 },
      ],
      [
        { kind: 'slow', seconds: 120 },
        { kind: 'slow', seconds: 120 },
      ],
      [
        { kind: 'followers-only', minFollowMinutes: null },
        { kind: 'followers-only', minFollowMinutes: null },
      ],
      [
        { kind: 'followers-only', minFollowMinutes: 0 },
        { kind: 'followers-only', minFollowMinutes: 0 },
      ],
      [
        { kind: 'followers-only', minFollowMinutes: 129_600 },
        { kind: 'followers-only', minFollowMinutes: 129_600 },
      ],
      [
        { kind: 'subscribers-only', on: true },
        { kind: 'subscribers-only', on: true },
      ],
      [
        { kind: 'emote-only', on: false },
        { kind: 'emote-only', on: false },
      ],
      [
        { kind: 'blocked-terms', terms: [] },
        { kind: 'blocked-terms', terms: [] },
      ],
      [
        { kind: 'blocked-terms', terms: [' Spam ', 'spam', 'x'.repeat(50), 'buy now'] },
        { kind: 'blocked-terms', terms: ['spam', 'x'.repeat(50), 'buy now'] },
      ],
      [
        { kind: 'blocked-terms', terms: Array.from({ length: 100 }, (_, i) => `t${i}`) },
        { kind: 'blocked-terms', terms: Array.from({ length: 100 }, (_, i) => `t${i}`) },
      ],
    ];
    for (const [action, expected] of ok) {
      expect(mod(action), JSON.stringify(action)).toEqual({ type: 'mod', room: 'alice', action: expected });
    }
  });
});

describe('parseClientFrame: bad frames', () => {
  it('refuses what is not a JSON object', () => {
    for (const text of ['', 'hello', '{', '{"type":"ping"', "{'type':'ping'}", 'undefined']) {
      refused(parseClientFrame(text), 'BAD_FRAME', 'not JSON');
    }
    for (const text of ['null', '[]', '[{"type":"ping"}]', '"ping"', '42', 'true']) {
      refused(parseClientFrame(text), 'BAD_FRAME', 'must be a JSON object');
    }
  });

  it('refuses a missing, mistyped or unknown type', () => {
    refused(frame({}), 'BAD_FRAME', 'frame.type is required');
    refused(frame({ room: 'alice' }), 'BAD_FRAME', 'frame.type is required');
    refused(frame({ type: 1 }), 'BAD_FRAME', 'frame.type must be a string');
    refused(frame({ type: null }), 'BAD_FRAME', 'frame.type must be a string');
    refused(frame({ type: 'shout' }), 'UNKNOWN_TYPE', '"shout"');
    refused(frame({ type: 'PING' }), 'UNKNOWN_TYPE', 'join, leave, send, mod, ping');
    refused(frame({ type: 'x'.repeat(10_000) }), 'UNKNOWN_TYPE', 'is not a frame');
    expect((frame({ type: 'x'.repeat(10_000) }) as Error).message.length).toBeLessThan(200);
  });

  it('refuses unknown fields, including __proto__ and constructor', () => {
    refused(frame({ type: 'ping', extra: 1 }), 'BAD_FRAME', 'frame.extra is not a field');
    refused(frame({ type: 'join', room: 'alice', text: 'x' }), 'BAD_FRAME', 'frame.text is not a field');
    refused(frame({ type: 'leave', room: 'alice', since: 1 }), 'BAD_FRAME', 'frame.since is not a field');
    refused(frame({ type: 'send', room: 'alice', text: 'x', user: 'admin' }), 'BAD_FRAME', 'frame.user');
    refused(parseClientFrame('{"type":"ping","__proto__":{"x":1}}'), 'BAD_FRAME', 'frame.__proto__');
    refused(parseClientFrame('{"type":"ping","constructor":{}}'), 'BAD_FRAME', 'frame.constructor');
    refused(frame({ type: 'mod', room: 'alice', action: { kind: 'clear', all: true } }), 'BAD_FRAME', 'action.all');
    refused(
      frame({ type: 'mod', room: 'alice', action: { kind: 'ban', login: 'bob', seconds: 5 } }),
      'BAD_FRAME',
      'action.seconds is not a field',
    );
  });

  it('refuses bad room names', () => {
    for (const room of ['', 'ab', 'Alice', 'a'.repeat(26), 'al ice', 'al-ice', '../x', 'alicé', 'alice\n']) {
      refused(frame({ type: 'join', room }), 'BAD_FRAME', 'frame.room must be');
    }
    for (const room of [null, 5, ['alice'], { name: 'alice' }]) {
      refused(frame({ type: 'leave', room }), 'BAD_FRAME', 'frame.room must be a string');
    }
    refused(frame({ type: 'send', text: 'hi' }), 'BAD_FRAME', 'frame.room is required');
    refused(frame({ type: 'mod', action: { kind: 'clear' } }), 'BAD_FRAME', 'frame.room is required');
  });

  it('refuses a since that is not a non-negative whole number', () => {
    for (const since of [-1, 1.5, '3', null, true, 2 ** 53, Number.MAX_VALUE]) {
      refused(frame({ type: 'join', room: 'alice', since }), 'BAD_FRAME', 'frame.since must be');
    }
    refused(parseClientFrame('{"type":"join","room":"alice","since":1e400}'), 'BAD_FRAME', 'frame.since');
  });

  it('refuses empty, too long, mistyped and missing message text', () => {
    const send = (text: unknown) => frame({ type: 'send', room: 'alice', text });
    for (const text of ['', ' ', '   \u3000  ', '\u2028 \u00a0']) refused(send(text), 'EMPTY_MESSAGE', 'frame.text');
    refused(send('x'.repeat(501)), 'MESSAGE_TOO_LONG', 'frame.text has 501 characters; at most 500 are allowed');
    refused(send('😀'.repeat(501)), 'MESSAGE_TOO_LONG', '501 characters');
    refused(send(`${'x'.repeat(499)}😀😀`), 'MESSAGE_TOO_LONG', '501');
    refused(send(42), 'BAD_FRAME', 'frame.text must be a string');
    refused(send(['hi']), 'BAD_FRAME', 'frame.text must be a string');
    refused(frame({ type: 'send', room: 'alice' }), 'BAD_FRAME', 'frame.text is required');
  });

  it('refuses control characters (C0, DEL, C1; tab and newline too) and lone surrogates', () => {
    const send = (text: string) => frame({ type: 'send', room: 'alice', text });
    for (const c of [
      '\u0000',
      '\u0007',
      '\t',
      '\n',
      '\r',
      '\u001b',
      '\u001f',
      '\u007f',
      '\u0080',
      '\u0085',
      '\u009f',
    ]) {
      refused(send(`a${c}b`), 'BAD_FRAME', 'frame.text contains a control character');
    }
    // A leading newline would be trimmed away; it is refused before trimming all the same.
    refused(send('\nhello'), 'BAD_FRAME', 'control character');
    for (const raw of ['"a\\ud800b"', '"\\udc00"', '"x\\ud83d"', '"\\ude00\\ud83d"']) {
      refused(parseClientFrame(`{"type":"send","room":"alice","text":${raw}}`), 'BAD_FRAME', 'lone surrogate');
    }
    // A pair written as escapes is one emoji.
    expect(parseClientFrame('{"type":"send","room":"alice","text":"\\ud83d\\ude00"}')).toMatchObject({ text: '😀' });
  });

  it('refuses a bad nonce', () => {
    for (const nonce of ['', 'x'.repeat(65), 'a b', 'ü', 5, null, 'a\nb']) {
      refused(frame({ type: 'send', room: 'alice', text: 'hi', nonce }), 'BAD_FRAME', 'frame.nonce');
    }
    expect(frame({ type: 'send', room: 'alice', text: 'hi', nonce: 'x'.repeat(64) })).toMatchObject({
      nonce: 'x'.repeat(64),
    });
  });

  it('refuses moderation actions out of bounds or malformed', () => {
    const mod = (action: unknown) => frame({ type: 'mod', room: 'alice', action });
    const bad: [unknown, string][] = [
      [undefined, 'action must be a JSON object'],
      [null, 'action must be a JSON object'],
      ['ban bob', 'action must be a JSON object'],
      [[{ kind: 'clear' }], 'action must be a JSON object'],
      [{}, 'action.kind is required'],
      [{ kind: 5 }, 'action.kind is required'],
      [{ kind: 'purge' }, 'action.kind "purge" is not a moderation action'],
      [{ kind: 'delete' }, 'action.messageId is required'],
      [{ kind: 'delete', messageId: '' }, 'action.messageId must be'],
      [{ kind: 'delete', messageId: 'x'.repeat(65) }, 'action.messageId must be'],
      [{ kind: 'delete', messageId: 'a b' }, 'action.messageId must be'],
      [{ kind: 'timeout', login: 'bob' }, 'action.seconds is required'],
      [{ kind: 'timeout', seconds: 10 }, 'action.login is required'],
      [{ kind: 'timeout', login: 'bob', seconds: 0 }, 'action.seconds must be a whole number from 1 to 1209600'],
      [{ kind: 'timeout', login: 'bob', seconds: 1_209_601 }, 'from 1 to 1209600'],
      [{ kind: 'timeout', login: 'bob', seconds: 1.5 }, 'action.seconds must be'],
      [{ kind: 'timeout', login: 'bob', seconds: '10' }, 'action.seconds must be'],
      [{ kind: 'timeout', login: 'b!', seconds: 10 }, 'action.login must be 3 to 25'],
      [{ kind: 'ban', login: 'bo' }, 'action.login must be'],
      [{ kind: 'ban', login: 'b'.repeat(26) }, 'action.login must be'],
      [{ kind: 'unban' }, 'action.login is required'],
      [{ kind: 'slow', seconds: 1 }, 'action.seconds must be 0 (off) or a whole number from 3 to 120'],
      [{ kind: 'slow', seconds: 2 }, 'from 3 to 120'],
      [{ kind: 'slow', seconds: 121 }, 'from 3 to 120'],
      [{ kind: 'slow', seconds: -3 }, 'from 3 to 120'],
      [{ kind: 'slow', seconds: null }, 'from 3 to 120'],
      [{ kind: 'slow' }, 'from 3 to 120'],
      [{ kind: 'followers-only', minFollowMinutes: -1 }, 'action.minFollowMinutes must be'],
      [{ kind: 'followers-only', minFollowMinutes: 129_601 }, 'from 0 to 129600'],
      [{ kind: 'followers-only', minFollowMinutes: 'off' }, 'action.minFollowMinutes must be'],
      [{ kind: 'followers-only' }, 'action.minFollowMinutes is required'],
      [{ kind: 'subscribers-only', on: 1 }, 'action.on must be true or false'],
      [{ kind: 'emote-only' }, 'action.on is required'],
      [{ kind: 'blocked-terms' }, 'action.terms must be an array'],
      [{ kind: 'blocked-terms', terms: 'spam' }, 'action.terms must be an array'],
      [{ kind: 'blocked-terms', terms: Array.from({ length: 101 }, (_, i) => `t${i}`) }, 'at most 100 terms'],
      [{ kind: 'blocked-terms', terms: ['ok', 5] }, 'action.terms[1] must be a string'],
      [{ kind: 'blocked-terms', terms: ['  '] }, 'action.terms[0] is empty'],
      [{ kind: 'blocked-terms', terms: ['x'.repeat(51)] }, 'action.terms[0] has 51 characters; at most 50'],
      [{ kind: 'blocked-terms', terms: ['a\tb'] }, 'action.terms[0] contains a control character'],
      [{ kind: 'blocked-terms', terms: ['\ud800'] }, 'action.terms[0] contains a lone surrogate'],
    ];
    for (const [action, message] of bad) refused(mod(action), 'BAD_FRAME', message);
  });
});

describe('serializeServerFrame', () => {
  it('writes JSON that reads back as the same frame, a script tag kept as inert text', () => {
    const frames: ServerFrame[] = [
      { type: 'hello', v: 1, user: null },
      {
        type: 'events',
        room: 'alice',
        events: [
          {
            seq: 7,
            kind: 'message',
            id: 'm1',
            user: { login: 'bob', displayName: 'Bob', badges: [{ kind: 'subscriber', months: 3, tier: 1 }] },
            text: '<script>alert(1)</script> Kappa',
            emotes: [{ id: 'g-kappa', start: 26, end: 31 }],
            atMs: 1_700_000_000_000,
          },
        ],
      },
      { type: 'error', code: 'SLOW_MODE', message: 'wait', room: 'alice', nonce: 'n1', retryAfterMs: 2500 },
      { type: 'pong' },
    ];
    for (const f of frames) {
      const text = serializeServerFrame(f);
      expect(JSON.parse(text)).toEqual(f);
    }
    expect(serializeServerFrame({ type: 'pong' })).toBe('{"type":"pong"}');
  });
});

describe('parseClientFrame under random input', () => {
  const KEYS = ['type', 'room', 'since', 'text', 'nonce', 'action', 'kind', 'login', 'seconds', 'on', 'terms', 'x'];
  const WORDS = ['join', 'leave', 'send', 'mod', 'ping', 'alice', 'ban', 'slow', 'clear', 'blocked-terms', ''];

  function value(next: () => number, depth: number): unknown {
    const pick = next();
    if (pick < 0.15) return Math.floor(next() * 2000) - 500;
    if (pick < 0.2) return next() * 1e6;
    if (pick < 0.25) return next() < 0.5;
    if (pick < 0.3) return null;
    if (pick < 0.55) return WORDS[Math.floor(next() * WORDS.length)];
    if (pick < 0.7) {
      return Array.from({ length: Math.floor(next() * 40) }, () =>
        String.fromCharCode(Math.floor(next() * 0x10000)),
      ).join('');
    }
    if (pick < 0.8 && depth < 3) return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    if (depth < 3) {
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 5); i > 0; i--) {
        const key = next() < 0.9 ? (KEYS[Math.floor(next() * KEYS.length)] ?? 'x') : 'k'.repeat(1000);
        object[key] = value(next, depth + 1);
      }
      return object;
    }
    return 'leaf';
  }

  // 20,000 inputs: checked without an expect() per input and with room to run on a busy machine (one expect per
  // input took over 5 s there).
  it('never throws, and answers with a frame or an error of the codec’s codes with a short message', () => {
    const next = seededRandom(20261130);
    const codes = new Set(['BAD_FRAME', 'UNKNOWN_TYPE', 'EMPTY_MESSAGE', 'MESSAGE_TOO_LONG']);
    let frames = 0;
    const wrong: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      let text = JSON.stringify(value(next, 0)) ?? '';
      // Some inputs are cut or have a byte changed, so not all of them are JSON.
      if (next() < 0.2) text = text.slice(0, Math.floor(next() * text.length));
      const result = parseClientFrame(text);
      if (result instanceof ChatProtocolError) {
        if (!codes.has(result.code) || result.message.length >= 300) wrong.push(`${result.code}: ${text}`);
      } else {
        frames++;
        if (typeof result.type !== 'string') wrong.push(`no type: ${text}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(frames).toBeGreaterThan(0);
  }, 60_000);
});
