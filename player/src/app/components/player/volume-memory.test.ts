import { afterEach, describe, expect, it, vi } from 'vitest';
import { readVolume, saveVolume } from './volume-memory.ts';

function fakeStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    items,
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('volume memory', () => {
  it('gives back what was saved', () => {
    vi.stubGlobal('localStorage', fakeStorage());
    saveVolume({ volume: 0.35, muted: true });
    expect(readVolume()).toEqual({ volume: 0.35, muted: true });
  });

  it('reads nothing, nonsense or out-of-range values as sound on at a volume in 0..1', () => {
    vi.stubGlobal('localStorage', fakeStorage());
    expect(readVolume()).toEqual({ volume: 1, muted: false });
    for (const [stored, volume] of [
      ['{"volume":7,"muted":"yes"}', 1],
      ['{"volume":-1}', 0],
      ['{"volume":"loud"}', 1],
      ['not json', 1],
    ] as const) {
      vi.stubGlobal('localStorage', fakeStorage({ 'glint.player.volume': stored }));
      expect(readVolume(), stored).toEqual({ volume, muted: false });
    }
  });

  it('works without storage (blocked): defaults, and saving does not throw', () => {
    vi.stubGlobal('localStorage', {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
    });
    expect(readVolume()).toEqual({ volume: 1, muted: false });
    expect(() => saveVolume({ volume: 0.5, muted: false })).not.toThrow();
  });
});
