import { describe, expect, it } from 'vitest';
import { bandKit } from './band.ts';

const kit = bandKit();

/** A painted RGB24 frame as RGBA (what a canvas gives) and as luma (what ffmpeg's gray output gives), with noise. */
function frame(w: number, h: number, ms: number, n: number, noise: number) {
  const rgb = new Uint8Array(w * h * 3);
  kit.paintRgb(rgb, w, h, ms, n);
  const rgba = new Uint8ClampedArray(w * h * 4);
  const gray = new Uint8Array(w * h);
  let seed = 11;
  for (let p = 0; p < w * h; p++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const jitter = (seed % (2 * noise + 1)) - noise;
    const [r, g, b] = [rgb[p * 3] ?? 0, rgb[p * 3 + 1] ?? 0, rgb[p * 3 + 2] ?? 0].map((v) => v + jitter) as [
      number,
      number,
      number,
    ];
    rgba.set([r, g, b, 255], p * 4);
    gray[p] = Math.max(0, Math.min(255, Math.round(0.299 * r + 0.587 * g + 0.114 * b)));
  }
  return { rgba, gray };
}

describe('bandKit', () => {
  const now = 1_764_000_123_456;

  it('reads back capture ms and frame number at 360p, 720p and scaled down, from RGBA and from luma', () => {
    for (const [w, h] of [
      [640, 360],
      [1280, 720],
      [480, 270],
    ] as const) {
      const { rgba, gray } = frame(w, h, now, 40_001, 25);
      const expected = { ms: now % 2 ** 32, frame: 40_001 & 0xffff };
      expect(kit.read(rgba, w, h)).toEqual(expected);
      expect(kit.read(gray, w, h, 1)).toEqual(expected);
    }
  });

  it('refuses a frame without the band or with a broken check', () => {
    expect(kit.read(new Uint8Array(640 * 360), 640, 360, 1)).toBeUndefined();
    const { gray } = frame(640, 360, now, 7, 0);
    // Invert one data cell (column 1, row 1 of the grid: x 40-64, y 40-64): the check no longer matches.
    for (let y = 44; y < 60; y++) for (let x = 44; x < 60; x++) gray[y * 640 + x] = 255 - (gray[y * 640 + x] ?? 0);
    expect(kit.read(gray, 640, 360, 1)).toBeUndefined();
  });

  it('unwraps a stamp modulo 2^32 against a nearby clock', () => {
    expect(kit.unwrap(now % 2 ** 32, now + 1_500)).toBe(now);
    expect(kit.diff(5, 2 ** 32 - 10)).toBe(15);
  });
});
