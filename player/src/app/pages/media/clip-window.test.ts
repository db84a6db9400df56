import { describe, expect, it } from 'vitest';
import { clipWindow, startFromQuery, vodLinkAt } from './clip-window.ts';

describe('clipWindow', () => {
  it('takes the chosen length up to the position', () => {
    expect(clipWindow(15, 20, 40)).toEqual({ startSec: 5, endSec: 20 });
    expect(clipWindow(30, 33.37, 40)).toEqual({ startSec: 3.4, endSec: 33.4 });
  });

  it('near the start takes the first seconds, and never runs past the end', () => {
    expect(clipWindow(30, 2, 40)).toEqual({ startSec: 0, endSec: 30 });
    expect(clipWindow(60, 10, 40)).toEqual({ startSec: 0, endSec: 40 });
    expect(clipWindow(15, 55, 40)).toEqual({ startSec: 25, endSec: 40 });
  });

  it('is at least 5 s, and uses the position while the length is unknown', () => {
    expect(clipWindow(15, 1, 3)).toEqual({ startSec: 0, endSec: 5 });
    expect(clipWindow(15, 12, Number.NaN)).toEqual({ startSec: 0, endSec: 12 });
    expect(clipWindow(15, 0, Number.POSITIVE_INFINITY)).toEqual({ startSec: 0, endSec: 5 });
  });
});

describe('VOD links at a moment', () => {
  it('adds whole seconds from 1 s on, and reads them back', () => {
    expect(vodLinkAt('http://h', 'abc12345', null)).toBe('http://h/vod/abc12345');
    expect(vodLinkAt('http://h', 'abc12345', 0.4)).toBe('http://h/vod/abc12345');
    expect(vodLinkAt('http://h', 'abc12345', 83.9)).toBe('http://h/vod/abc12345?t=83');
    expect(startFromQuery('?t=83')).toBe(83);
    expect(startFromQuery('?t=-4')).toBe(0);
    expect(startFromQuery('?t=abc')).toBe(0);
    expect(startFromQuery('')).toBe(0);
  });
});
