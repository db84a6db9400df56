/**
 * The player's keyboard shortcuts, listed once: the page documents them from SHORTCUTS and the hook acts on them.
 * Keys typed into a field (chat, the seek bar, the quality menu) are left alone, as are keys with Ctrl, Alt or Meta
 * and Space or Enter on a button or link (which press it).
 */
import { useEffect, useRef } from 'react';

export type ShortcutAction = 'fullscreen' | 'theatre' | 'mute' | 'pause' | 'back' | 'forward' | 'live';

export interface Shortcut {
  /** As shown to the viewer. */
  readonly keys: readonly string[];
  readonly action: ShortcutAction;
  readonly does: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['k', 'Space'], action: 'pause', does: 'Pause or play' },
  { keys: ['m'], action: 'mute', does: 'Mute or unmute' },
  { keys: ['f'], action: 'fullscreen', does: 'Fullscreen on or off' },
  { keys: ['t'], action: 'theatre', does: 'Theatre mode on or off' },
  { keys: ['←'], action: 'back', does: 'Rewind 10 seconds' },
  { keys: ['→'], action: 'forward', does: 'Forward 10 seconds (when rewound)' },
  { keys: ['l'], action: 'live', does: 'Back to live (when rewound)' },
];

const BY_KEY: Readonly<Record<string, ShortcutAction>> = {
  k: 'pause',
  ' ': 'pause',
  m: 'mute',
  f: 'fullscreen',
  t: 'theatre',
  ArrowLeft: 'back',
  ArrowRight: 'forward',
  l: 'live',
};

const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"]';
const PRESSABLE = 'button, a[href], summary, [role="button"]';

/** What shortcutFor reads of a key press (a KeyboardEvent has it). */
export interface KeyPress {
  readonly key: string;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly defaultPrevented: boolean;
  readonly target: EventTarget | null;
}

/** The action for a key press, or null when the press is not the player's. */
export function shortcutFor(event: KeyPress): ShortcutAction | null {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return null;
  const target = event.target as { closest?: (selector: string) => unknown } | null;
  if (target?.closest?.(TYPING)) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (key === ' ' && target?.closest?.(PRESSABLE)) return null;
  return BY_KEY[key] ?? null;
}

/**
 * Calls `handle` for each shortcut pressed anywhere on the page; `handle` returns whether it acted (an action that
 * does not apply now, such as → while live, leaves the key to the browser).
 */
export function usePlayerShortcuts(handle: (action: ShortcutAction) => boolean): void {
  const latest = useRef(handle);
  useEffect(() => {
    latest.current = handle;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = shortcutFor(event);
      if (action && latest.current(action)) event.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}
