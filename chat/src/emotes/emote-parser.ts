import type { EmotePosition } from '../protocol/types.ts';

/** An emote as the parser needs it. */
export interface EmoteRef {
  readonly id: string;
  readonly code: string;
  readonly subscriberOnly: boolean;
}

/** A set prepared once for many messages: by code. Build with `emoteIndex`. */
export type EmoteIndex = ReadonlyMap<string, EmoteRef>;

/** Later entries win: pass the globals first and a channel's own after, so the channel's code takes precedence. */
export function emoteIndex(...sets: readonly (readonly EmoteRef[])[]): EmoteIndex {
  const index = new Map<string, EmoteRef>();
  for (const set of sets) for (const emote of set) index.set(emote.code, emote);
  return index;
}

/**
 * Where the emotes are in a message: every whitespace-separated token exactly equal to a code (case-sensitive), as
 * code-point offsets (end exclusive), so a client can cut the text with Array.from(text). A subscriber-only emote
 * is marked only for a user who may use it; for others it stays text.
 */
export function markEmotes(
  text: string,
  emotes: readonly EmoteRef[] | EmoteIndex,
  canUseSubscriberEmotes: boolean,
): EmotePosition[] {
  const index = Array.isArray(emotes) ? emoteIndex(emotes) : (emotes as EmoteIndex);
  const positions: EmotePosition[] = [];
  if (index.size === 0) return positions;
  for (const token of tokens(text)) {
    const emote = index.get(token.text);
    if (emote === undefined || (emote.subscriberOnly && !canUseSubscriberEmotes)) continue;
    positions.push({ id: emote.id, start: token.start, end: token.end });
  }
  return positions;
}

/** True when the message is nothing but emotes (emote-only mode): every token was marked. */
export function isOnlyEmotes(text: string, positions: readonly EmotePosition[]): boolean {
  let count = 0;
  for (const _ of tokens(text)) count++;
  return count > 0 && count === positions.length;
}

const SPACE = /\s/u;

interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Whitespace-separated tokens with code-point offsets. */
function* tokens(text: string): Generator<Token> {
  let point = 0;
  let start = -1;
  let startUnit = 0;
  let unit = 0;
  for (const char of text) {
    if (SPACE.test(char)) {
      if (start >= 0) yield { text: text.slice(startUnit, unit), start, end: point };
      start = -1;
    } else if (start < 0) {
      start = point;
      startUnit = unit;
    }
    point++;
    unit += char.length;
  }
  if (start >= 0) yield { text: text.slice(startUnit), start, end: point };
}
