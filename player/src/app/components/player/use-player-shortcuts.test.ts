import { describe, expect, it } from 'vitest';
import { type KeyPress, SHORTCUTS, shortcutFor } from './use-player-shortcuts.ts';

/** A page element that matches the given selectors (as Element.closest would find it or an ancestor). */
function element(...matches: string[]): EventTarget {
  return { closest: (selector: string) => (matches.some((m) => selector.includes(m)) ? {} : null) } as never;
}

function press(key: string, target: EventTarget | null = null, more: Partial<KeyPress> = {}): KeyPress {
  return { key, altKey: false, ctrlKey: false, metaKey: false, defaultPrevented: false, target, ...more };
}

describe('shortcutFor', () => {
  it('maps the documented keys, either case', () => {
    expect(['k', ' ', 'm', 'f', 't', 'ArrowLeft', 'ArrowRight', 'l'].map((k) => shortcutFor(press(k)))).toEqual([
      'pause',
      'pause',
      'mute',
      'fullscreen',
      'theatre',
      'back',
      'forward',
      'live',
    ]);
    expect(shortcutFor(press('F'))).toBe('fullscreen');
    expect(shortcutFor(press('L'))).toBe('live');
    expect(shortcutFor(press('x'))).toBeNull();
    // Every documented action has a key.
    expect(new Set(SHORTCUTS.map((s) => s.action)).size).toBe(SHORTCUTS.length);
  });

  it('leaves alone keys typed into a field, keys with modifiers, and Space on a button', () => {
    for (const field of ['input', 'textarea', 'select', '[contenteditable="true"]']) {
      expect(shortcutFor(press('k', element(field))), field).toBeNull();
      expect(shortcutFor(press('ArrowLeft', element(field))), field).toBeNull();
    }
    expect(shortcutFor(press('f', null, { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(press('m', null, { metaKey: true }))).toBeNull();
    expect(shortcutFor(press('t', null, { altKey: true }))).toBeNull();
    expect(shortcutFor(press('k', null, { defaultPrevented: true }))).toBeNull();
    expect(shortcutFor(press(' ', element('button')))).toBeNull();
    // k on a focused button is still the player's.
    expect(shortcutFor(press('k', element('button')))).toBe('pause');
  });
});
