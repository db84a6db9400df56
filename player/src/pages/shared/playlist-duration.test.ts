import { describe, expect, it } from 'vitest';
import { playlistDurationSec } from './playlist-duration.ts';

describe('playlistDurationSec', () => {
  it('adds the EXTINF durations of a media playlist, across discontinuities', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-PLAYLIST-TYPE:EVENT',
      '#EXT-X-MAP:URI="init-0123456789abcdef.mp4"',
      '#EXTINF:2.000,',
      '0.m4s',
      '#EXTINF:1.967,',
      '1.m4s',
      '#EXT-X-DISCONTINUITY',
      '#EXTINF:2,',
      '3.m4s',
    ].join('\n');
    expect(playlistDurationSec(text)).toBeCloseTo(5.967, 6);
  });

  it('is 0 for a multivariant playlist or no playlist at all', () => {
    expect(playlistDurationSec('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nvideo/index.m3u8\n')).toBe(0);
    expect(playlistDurationSec('')).toBe(0);
  });
});
