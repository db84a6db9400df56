import { describe, expect, it } from 'vitest';
import { emoteIndex, isOnlyEmotes, markEmotes } from './emote-parser.ts';

const emotes = [
  { id: 'g1', code: 'glintGG', subscriberOnly: false },
  { id: 'c1', code: 'aliceHype', subscriberOnly: false },
  { id: 'c2', code: 'aliceGold', subscriberOnly: true },
];

describe('markEmotes', () => {
  it('marks every whitespace-separated token equal to a code, with code-point offsets (end exclusive)', () => {
    expect(markEmotes('glintGG', emotes, false)).toEqual([{ id: 'g1', start: 0, end: 7 }]);
    expect(markEmotes('nice glintGG  aliceHype\tglintGG', emotes, false)).toEqual([
      { id: 'g1', start: 5, end: 12 },
      { id: 'c1', start: 14, end: 23 },
      { id: 'g1', start: 24, end: 31 },
    ]);
  });

  it('counts an astral character (an emoji, two UTF-16 units) as one position', () => {
    const text = '😀😀 glintGG 🎉 aliceHype';
    const marks = markEmotes(text, emotes, false);
    expect(marks).toEqual([
      { id: 'g1', start: 3, end: 10 },
      { id: 'c1', start: 13, end: 22 },
    ]);
    const points = Array.from(text);
    expect(marks.map((m) => points.slice(m.start, m.end).join(''))).toEqual(['glintGG', 'aliceHype']);
  });

  it('is exact: no match inside a word, with punctuation or in another case', () => {
    for (const text of [
      'glintGGG',
      'xglintGG',
      'glintGG!',
      '(glintGG)',
      'GLINTGG',
      'glintgg',
      'glint GG',
      '<glintGG>',
    ]) {
      expect(markEmotes(text, emotes, true), text).toEqual([]);
    }
  });

  it('splits on any Unicode whitespace, not only spaces', () => {
    expect(markEmotes('hi\u3000glintGG\u00a0aliceHype', emotes, false)).toEqual([
      { id: 'g1', start: 3, end: 10 },
      { id: 'c1', start: 11, end: 20 },
    ]);
  });

  it('marks a subscriber-only emote only for those who may use it', () => {
    expect(markEmotes('aliceGold glintGG', emotes, false)).toEqual([{ id: 'g1', start: 10, end: 17 }]);
    expect(markEmotes('aliceGold glintGG', emotes, true)).toEqual([
      { id: 'c2', start: 0, end: 9 },
      { id: 'g1', start: 10, end: 17 },
    ]);
  });

  it('takes a prepared index, where a channel code overrides a global of the same code', () => {
    const index = emoteIndex(
      [{ id: 'g1', code: 'glintGG', subscriberOnly: false }],
      [{ id: 'mine', code: 'glintGG', subscriberOnly: false }],
    );
    expect(markEmotes('glintGG', index, false)).toEqual([{ id: 'mine', start: 0, end: 7 }]);
    expect(markEmotes('glintGG', emoteIndex(), false)).toEqual([]);
    expect(markEmotes('', emotes, true)).toEqual([]);
  });
});

describe('isOnlyEmotes', () => {
  it('is true when every token is a marked emote', () => {
    const only = (text: string, sub = false) => isOnlyEmotes(text, markEmotes(text, emotes, sub));
    expect(only('glintGG')).toBe(true);
    expect(only(' glintGG  aliceHype ')).toBe(true);
    expect(only('glintGG hi')).toBe(false);
    expect(only('aliceGold')).toBe(false);
    expect(only('aliceGold', true)).toBe(true);
    expect(only('')).toBe(false);
  });
});
