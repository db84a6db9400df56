import { describe, expect, it } from 'vitest';
import { parseRtmpUrl, RtmpClientError } from './rtmp-url.ts';

describe('parseRtmpUrl', () => {
  it('takes the key from the last segment and the app from the rest', () => {
    expect(parseRtmpUrl('rtmp://127.0.0.1:4000/live/abc_123')).toEqual({
      host: '127.0.0.1',
      port: 4000,
      app: 'live',
      streamKey: 'abc_123',
      tcUrl: 'rtmp://127.0.0.1:4000/live',
    });
    expect(parseRtmpUrl('rtmp://example.test/app/inst/key')).toMatchObject({ port: 1935, app: 'app/inst' });
  });

  it('refuses URLs without an app and key, or of another scheme', () => {
    for (const url of ['rtmp://h/key', 'http://h/live/key', 'not a url']) {
      expect(() => parseRtmpUrl(url)).toThrow(RtmpClientError);
    }
  });
});
