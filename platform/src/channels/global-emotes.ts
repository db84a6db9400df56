import { readFileSync } from 'node:fs';

/**
 * The built-in emotes every channel has: small SVGs drawn for Glint, shipped in platform/emotes/. They live in the
 * platform package because the platform's API serves them (and chat, above it, reads this list).
 */
export const GLOBAL_EMOTE_CODES = [
  'glintSmile',
  'glintLaugh',
  'glintSad',
  'glintWow',
  'glintHeart',
  'glintFire',
  'glintGG',
  'glintWave',
] as const;

/** A global emote's id: the prefix cannot clash with a stored id (those are [0-9a-z]{19}). */
export const globalEmoteId = (code: string) => `global-${code}`;

export interface GlobalEmote {
  readonly id: string;
  readonly code: string;
  readonly svg: Buffer;
}

let loaded: ReadonlyMap<string, GlobalEmote> | undefined;

/** The global set by code, read from disk once (a missing file is a broken install: it throws). */
export function globalEmotes(): ReadonlyMap<string, GlobalEmote> {
  loaded ??= new Map(
    GLOBAL_EMOTE_CODES.map((code) => [
      code,
      { id: globalEmoteId(code), code, svg: readFileSync(new URL(`../../emotes/${code}.svg`, import.meta.url)) },
    ]),
  );
  return loaded;
}
