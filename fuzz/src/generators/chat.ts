import type { Random } from '../random.ts';

const TYPES = ['join', 'leave', 'send', 'mod', 'ping', 'auth', '', 'JOIN', '__proto__', 'constructor'];
const KINDS = [
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
  'nuke',
];
const ROOMS = ['demo', 'a', 'abc', 'x'.repeat(25), 'x'.repeat(26), 'Demo', 'de mo', 'ünï', '../etc', '', 'a_b_c'];
const NUMBERS = [0, -1, 1, 2, 3, 120, 121, 1209600, 1209601, 129600, 0.5, 1e308, -0, 2 ** 53, 'NaN'];
const TEXT_PIECES = [
  'hello',
  ' ',
  '<script>alert(1)</script>',
  'glintWave',
  '\u0000',
  '\u0007',
  '\u0085',
  '\u200b',
  '\ud800',
  '\udc00',
  '😀',
  '\n',
  '\t',
  'é',
  '\u202e',
];

function text(rng: Random): string {
  const parts: string[] = [];
  const n = rng.chance(0.1) ? rng.int(100, 700) : rng.size(20);
  for (let i = 0; i < n; i++) parts.push(rng.pick(TEXT_PIECES));
  return parts.join('');
}

function value(rng: Random, depth: number): unknown {
  switch (rng.below(depth <= 0 ? 5 : 7)) {
    case 0:
      return text(rng);
    case 1:
      return rng.pick(NUMBERS);
    case 2:
      return rng.chance(0.5);
    case 3:
      return null;
    case 4:
      return rng.pick(ROOMS);
    case 5:
      return Array.from({ length: rng.size(6) }, () => value(rng, depth - 1));
    default:
      return object(rng, depth - 1);
  }
}

function object(rng: Random, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = rng.size(4); i > 0; i--)
    out[rng.pick(['type', 'room', 'text', 'x', 'since', 'kind'])] = value(rng, depth);
  return out;
}

function modAction(rng: Random): Record<string, unknown> {
  const action: Record<string, unknown> = { kind: rng.pick(KINDS) };
  if (rng.chance(0.7)) action.login = rng.chance(0.8) ? rng.pick(['viewer_one', 'Bob', 'x', '']) : value(rng, 1);
  if (rng.chance(0.5)) action.seconds = rng.pick(NUMBERS);
  if (rng.chance(0.3)) action.minFollowMinutes = rng.chance(0.3) ? null : rng.pick(NUMBERS);
  if (rng.chance(0.3)) action.on = rng.chance(0.8) ? rng.chance(0.5) : value(rng, 1);
  if (rng.chance(0.3)) action.messageId = rng.chance(0.8) ? 'abc123' : value(rng, 1);
  if (rng.chance(0.3)) action.terms = Array.from({ length: rng.size(120) }, () => text(rng).slice(0, rng.int(0, 60)));
  if (rng.chance(0.1)) action.extra = value(rng, 1);
  return action;
}

/** One client frame: mostly the protocol's shapes with values at and past their bounds, sometimes JSON noise. */
export function generateChatFrame(rng: Random): Uint8Array {
  let frame: unknown;
  if (rng.chance(0.1)) {
    frame = value(rng, 3);
  } else {
    const f: Record<string, unknown> = { type: rng.pick(TYPES) };
    if (rng.chance(0.9)) f.room = rng.chance(0.85) ? rng.pick(ROOMS) : value(rng, 1);
    if (rng.chance(0.4)) f.since = rng.pick(NUMBERS);
    if (rng.chance(0.6)) f.text = rng.chance(0.9) ? text(rng) : value(rng, 1);
    if (rng.chance(0.2)) f.nonce = rng.chance(0.7) ? rng.pick(['n-1', 'x'.repeat(65), 'bad nonce']) : value(rng, 1);
    if (rng.chance(0.4)) f.action = rng.chance(0.9) ? modAction(rng) : value(rng, 2);
    if (rng.chance(0.05)) f.unexpected = value(rng, 1);
    frame = f;
  }
  const json = JSON.stringify(frame) ?? 'null';
  const bytes = new TextEncoder().encode(json);
  // Now and then not JSON at all: cut short, or a byte flipped.
  if (rng.chance(0.08) && bytes.length > 2) return bytes.slice(0, rng.below(bytes.length));
  if (rng.chance(0.05) && bytes.length > 0) bytes[rng.below(bytes.length)] = rng.below(256);
  return bytes;
}
