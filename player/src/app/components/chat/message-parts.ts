import type { EmotePosition } from './chat-protocol.ts';

export type MessagePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'emote'; readonly code: string; readonly url: string };

/**
 * A message's text cut into plain text and emotes, by the code-point positions the server marked (an emoji before an
 * emote would shift UTF-16 offsets). Positions that overlap, run past the text or come out of order are skipped: the
 * words stay text. `urlOf` gives an emote's image (the lists' URL, else the protocol's /api/emotes/<id>).
 */
export function messageParts(
  text: string,
  emotes: readonly EmotePosition[],
  urlOf: (id: string) => string,
): MessagePart[] {
  const points = Array.from(text);
  const parts: MessagePart[] = [];
  const pushText = (from: number, to: number) => {
    if (to <= from) return;
    const piece = points.slice(from, to).join('');
    const last = parts.at(-1);
    if (last?.kind === 'text') parts[parts.length - 1] = { kind: 'text', text: last.text + piece };
    else parts.push({ kind: 'text', text: piece });
  };
  let at = 0;
  for (const emote of [...emotes].sort((a, b) => a.start - b.start)) {
    const { start, end } = emote;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < at || end <= start || end > points.length) {
      continue;
    }
    pushText(at, start);
    parts.push({ kind: 'emote', code: points.slice(start, end).join(''), url: urlOf(emote.id) });
    at = end;
  }
  pushText(at, points.length);
  return parts;
}

/** Where an emote's image is when the lists did not name it (one added since they were read). */
export function defaultEmoteUrl(id: string): string {
  return `/api/emotes/${encodeURIComponent(id)}`;
}

/** A message's length as the server counts it: code points, after trimming white space at both ends. */
export function messageLength(text: string): number {
  return Array.from(text.trim()).length;
}

/**
 * Puts an emote's code into the input's text at the caret, with a space on each side where a word touches it (the
 * server marks only whole words). Returns the new text and where the caret goes.
 */
export function insertEmoteCode(
  text: string,
  selectionStart: number,
  selectionEnd: number,
  code: string,
): { readonly text: string; readonly caret: number } {
  const before = text.slice(0, selectionStart);
  const after = text.slice(selectionEnd);
  const lead = before === '' || /\s$/.test(before) ? '' : ' ';
  const trail = /^\s/.test(after) ? '' : ' ';
  const inserted = `${lead}${code}${trail}`;
  return { text: before + inserted + after, caret: before.length + inserted.length };
}

/** One of eight name colours, the same for a login everywhere (readable on the dark background). */
export function nameHue(login: string): number {
  let hash = 0;
  for (const char of login.toLowerCase()) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % 8;
}
