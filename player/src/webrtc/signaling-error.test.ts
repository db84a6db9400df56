import { isGlintError } from '@glint/media-core';
import { describe, expect, it } from 'vitest';
import { refusalFrom, SignalingError } from './signaling-error.ts';

const URL = 'http://127.0.0.1:8080/whep/demo';

describe('refusalFrom', () => {
  it("reads Glint's { code, message } body: status, the server's code and its sentence", async () => {
    const body = JSON.stringify({ code: 'CHANNEL_NOT_LIVE', message: 'channel "demo" is not live' });
    const error = await refusalFrom(URL, new Response(body, { status: 404 }));
    expect(error).toBeInstanceOf(SignalingError);
    expect(isGlintError(error, 'SIGNALING_REFUSED')).toBe(true);
    expect(error.status).toBe(404);
    expect(error.serverCode).toBe('CHANNEL_NOT_LIVE');
    expect(error.serverMessage).toBe('channel "demo" is not live');
    expect(error.message).toBe(`${URL} answered 404: channel "demo" is not live`);
  });

  it('shows any other body as text, trimmed and cut to 200 characters', async () => {
    const error = await refusalFrom(URL, new Response(`  ${'x'.repeat(300)}\n`, { status: 502 }));
    expect(error.serverCode).toBeUndefined();
    expect(error.serverMessage).toBe('x'.repeat(200));
    const empty = await refusalFrom(URL, new Response(null, { status: 503 }));
    expect(empty.message).toBe(`${URL} answered 503`);
  });
});

describe('SignalingError', () => {
  it('without a status says the server could not be reached', () => {
    const error = new SignalingError(URL, null, undefined, 'fetch failed');
    expect(error.code).toBe('SIGNALING_UNREACHABLE');
    expect(error.message).toBe(`${URL} could not be reached: fetch failed`);
  });
});
