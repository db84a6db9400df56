import { describe, expect, it } from 'vitest';
import { defaultEmoteUrl, insertEmoteCode, messageLength, messageParts, nameHue } from './message-parts.ts';

const url = (id: string) => `/img/${id}`;

describe('messageParts', () => {
  it('cuts text and emotes at the code-point positions the server marked', () => {
    expect(messageParts('hello glintWave !', [{ id: 'global-glintWave', start: 6, end: 15 }], url)).toEqual([
      { kind: 'text', text: 'hello ' },
      { kind: 'emote', code: 'glintWave', url: '/img/global-glintWave' },
      { kind: 'text', text: ' !' },
    ]);
  });

  it('counts an emoji before an emote as one position, not two UTF-16 units', () => {
    // "😀 hi Kappa": 😀 is code point 0, Kappa 5..10 (in UTF-16 units it would be 6..11).
    const parts = messageParts('😀 hi Kappa', [{ id: 'k', start: 5, end: 10 }], url);
    expect(parts).toEqual([
      { kind: 'text', text: '😀 hi ' },
      { kind: 'emote', code: 'Kappa', url: '/img/k' },
    ]);
  });

  it('keeps markup as text: a tag is characters, never an element', () => {
    expect(messageParts('<img src=x onerror=alert(1)>', [], url)).toEqual([
      { kind: 'text', text: '<img src=x onerror=alert(1)>' },
    ]);
  });

  it('orders positions and skips overlapping, empty and out-of-range ones (their words stay text)', () => {
    const parts = messageParts(
      'aa bb cc',
      [
        { id: 'c', start: 6, end: 8 },
        { id: 'a', start: 0, end: 2 },
        { id: 'x', start: 1, end: 4 },
        { id: 'y', start: 3, end: 3 },
        { id: 'z', start: 7, end: 40 },
      ],
      url,
    );
    expect(parts).toEqual([
      { kind: 'emote', code: 'aa', url: '/img/a' },
      { kind: 'text', text: ' bb ' },
      { kind: 'emote', code: 'cc', url: '/img/c' },
    ]);
  });

  it('gives nothing for an empty message and two emotes side by side without text between', () => {
    expect(messageParts('', [], url)).toEqual([]);
    expect(
      messageParts(
        'A B',
        [
          { id: '1', start: 0, end: 1 },
          { id: '2', start: 2, end: 3 },
        ],
        url,
      ).map((p) => p.kind),
    ).toEqual(['emote', 'text', 'emote']);
  });
});

describe('defaultEmoteUrl', () => {
  it('is the protocol image path, the id escaped', () => {
    expect(defaultEmoteUrl('global-glintWave')).toBe('/api/emotes/global-glintWave');
    expect(defaultEmoteUrl('a/b')).toBe('/api/emotes/a%2Fb');
  });
});

describe('messageLength', () => {
  it('counts code points after trimming, as the server does', () => {
    expect(messageLength('  hi  ')).toBe(2);
    expect(messageLength('😀😀')).toBe(2);
    expect(messageLength('x'.repeat(500))).toBe(500);
    expect(messageLength(`${'😀'.repeat(500)}!`)).toBe(501);
  });
});

describe('insertEmoteCode', () => {
  it('puts the code at the caret with spaces where words touch it', () => {
    expect(insertEmoteCode('hello', 5, 5, 'Kappa')).toEqual({ text: 'hello Kappa ', caret: 12 });
    expect(insertEmoteCode('', 0, 0, 'Kappa')).toEqual({ text: 'Kappa ', caret: 6 });
    expect(insertEmoteCode('a b', 2, 2, 'K')).toEqual({ text: 'a K b', caret: 4 });
    expect(insertEmoteCode('hi there', 3, 8, 'K')).toEqual({ text: 'hi K ', caret: 5 });
  });
});

describe('nameHue', () => {
  it('is one of eight, the same for a login in any case', () => {
    expect(nameHue('Alice')).toBe(nameHue('alice'));
    for (const login of ['a', 'bob', 'carol_99', 'x'.repeat(25)]) {
      expect(nameHue(login)).toBeGreaterThanOrEqual(0);
      expect(nameHue(login)).toBeLessThan(8);
    }
  });
});
