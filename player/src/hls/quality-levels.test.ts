import { describe, expect, it } from 'vitest';
import { formatBitrate, formatResolution, qualityOptions } from './quality-levels.ts';

describe('formatBitrate', () => {
  it('reads Mbit/s with one decimal from 1 Mbit/s up, kbit/s below, nothing when unknown', () => {
    expect(formatBitrate(2_500_000)).toBe('2.5 Mbit/s');
    expect(formatBitrate(1_000_000)).toBe('1.0 Mbit/s');
    expect(formatBitrate(800_000)).toBe('800 kbit/s');
    expect(formatBitrate(400)).toBe('1 kbit/s');
    expect(formatBitrate(0)).toBe('');
    expect(formatBitrate(Number.NaN)).toBe('');
  });
});

describe('formatResolution', () => {
  it('names a rendition by its shorter side', () => {
    expect(formatResolution(1920, 1080)).toBe('1080p');
    expect(formatResolution(720, 1280)).toBe('720p');
    expect(formatResolution(0, 360)).toBe('360p');
    expect(formatResolution(0, 0)).toBe('');
  });
});

describe('qualityOptions', () => {
  it('lists a ladder best first, the top as the source, keeping each level index', () => {
    const ladder = [
      { width: 640, height: 360, bitrate: 800_000 },
      { width: 1920, height: 1080, bitrate: 6_000_000 },
      { width: 854, height: 480, bitrate: 1_200_000 },
      { width: 1280, height: 720, bitrate: 2_500_000 },
    ];
    expect(qualityOptions(ladder).map((o) => [o.index, o.label])).toEqual([
      [1, 'Source (1080p)'],
      [3, '720p · 2.5 Mbit/s'],
      [2, '480p · 1.2 Mbit/s'],
      [0, '360p · 800 kbit/s'],
    ]);
    expect(qualityOptions(ladder)[0]).toMatchObject({ source: true, resolution: '1080p', bitrate: '6.0 Mbit/s' });
  });

  it('tells two renditions of one size apart by bitrate, the richer first', () => {
    const options = qualityOptions([
      { width: 1280, height: 720, bitrate: 1_500_000 },
      { width: 1280, height: 720, bitrate: 3_000_000 },
      { width: 1920, height: 1080, bitrate: 6_000_000 },
    ]);
    expect(options.map((o) => o.label)).toEqual(['Source (1080p)', '720p · 3.0 Mbit/s', '720p · 1.5 Mbit/s']);
  });

  it('gives a single-variant playlist one option, the source', () => {
    expect(qualityOptions([{ width: 1280, height: 720, bitrate: 2_000_000 }]).map((o) => o.label)).toEqual([
      'Source (720p)',
    ]);
    expect(qualityOptions([])).toEqual([]);
  });

  it('labels what it can when a playlist leaves out RESOLUTION or BANDWIDTH', () => {
    const options = qualityOptions([
      { width: 0, height: 0, bitrate: 3_000_000 },
      { width: 0, height: 0, bitrate: 900_000 },
      { width: 0, height: 0, bitrate: 0 },
    ]);
    expect(options.map((o) => o.label)).toEqual(['Source (3.0 Mbit/s)', '900 kbit/s', 'Quality 3']);
  });
});
