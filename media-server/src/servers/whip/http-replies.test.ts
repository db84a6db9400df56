import { describe, expect, it } from 'vitest';
import { bearerToken, HttpRefusal, mediaType, sdpBody } from './http-replies.ts';

describe('WHIP HTTP helpers', () => {
  it('reads a Bearer token, scheme case-insensitive, and nothing else', () => {
    expect(bearerToken('Bearer live_demo_abc-_')).toBe('live_demo_abc-_');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic dTpw')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('compares media types without parameters', () => {
    expect(mediaType('Application/SDP; charset=utf-8')).toBe('application/sdp');
    expect(mediaType(undefined)).toBe('');
  });

  it('refuses a wrong content type with 415 and an empty body with 400', () => {
    expect(() => sdpBody('text/plain', Buffer.from('v=0'))).toThrow(HttpRefusal);
    try {
      sdpBody('text/plain', 'v=0');
    } catch (error) {
      expect((error as HttpRefusal).status).toBe(415);
    }
    try {
      sdpBody('application/sdp', Buffer.alloc(0));
    } catch (error) {
      expect((error as HttpRefusal).status).toBe(400);
    }
    expect(sdpBody('application/sdp', Buffer.from('v=0\r\n'))).toBe('v=0\r\n');
  });
});
