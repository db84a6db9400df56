import { describe, expect, it } from 'vitest';
import { timeCodeKit } from './time-code.ts';

/** Renders the cells as RGBA the way a canvas would, at a chosen scale, with optional noise. */
function render(ms: number, scale: number, noise: number): { rgba: Uint8ClampedArray; w: number; h: number } {
  const kit = timeCodeKit();
  const w = Math.round(kit.width * scale);
  const h = Math.round(kit.height * scale);
  const rgba = new Uint8ClampedArray(w * h * 4).fill(128);
  const cells = kit.cells(ms);
  let seed = 7;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = Math.floor((x / scale - 16) / 32);
      const r = Math.floor((y / scale - 16) / 32);
      if (c < 0 || r < 0 || c >= 10 || r >= 7) continue;
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const v = (cells[r * 10 + c] ? 230 : 25) + ((seed % (2 * noise + 1)) - noise);
      rgba.set([v, v, v, 255], (y * w + x) * 4);
    }
  }
  return { rgba, w, h };
}

describe('timeCodeKit', () => {
  const kit = timeCodeKit();
  const now = 1_764_000_123_456;

  it('reads back the stamp (ms modulo 2^32) at full size and when the video is scaled down', () => {
    for (const scale of [1, 0.5, 0.75]) {
      const { rgba, w, h } = render(now, scale, 20);
      expect(kit.read(rgba, w, h)).toBe(now % 2 ** 32);
    }
  });

  it('refuses a frame without the border (e.g. a black frame) or with a broken check', () => {
    expect(kit.read(new Uint8ClampedArray(640 * 360 * 4), 640, 360)).toBeUndefined();
    const { rgba, w, h } = render(now, 1, 0);
    // Flip one data cell (column 1, row 1): the check byte no longer matches.
    for (let y = 56; y < 72; y++)
      for (let x = 56; x < 72; x++) rgba.fill(255 - (rgba[(y * w + x) * 4] ?? 0), (y * w + x) * 4, (y * w + x) * 4 + 3);
    expect(kit.read(rgba, w, h)).toBeUndefined();
  });

  it('subtracts across the 2^32 wrap', () => {
    expect(kit.diff(5, 2 ** 32 - 10)).toBe(15);
    expect(kit.diff(100, 40)).toBe(60);
  });
});
