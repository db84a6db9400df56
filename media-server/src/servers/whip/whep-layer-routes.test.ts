import { describe, expect, it } from 'vitest';
import type { HttpRefusal } from './http-replies.ts';
import { parseLayerChoice } from './whep-layer-routes.ts';

const KNOWN = ['source', '480p', '240p'];
const json = 'application/json; charset=utf-8';

function refusal(run: () => unknown): HttpRefusal {
  try {
    run();
  } catch (error) {
    return error as HttpRefusal;
  }
  throw new Error('expected a refusal');
}

describe('parseLayerChoice', () => {
  it('takes a known layer id, or null for automatic', () => {
    expect(parseLayerChoice(json, Buffer.from('{"layer":"480p"}'), KNOWN)).toBe('480p');
    expect(parseLayerChoice('application/json', Buffer.from('{"layer":"source"}'), KNOWN)).toBe('source');
    expect(parseLayerChoice(json, Buffer.from('{"layer":null}'), KNOWN)).toBeNull();
  });

  it('refuses a body that is not JSON with 415 and names the type', () => {
    const r = refusal(() => parseLayerChoice('text/plain', Buffer.from('{"layer":"480p"}'), KNOWN));
    expect([r.status, r.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(r.headers['Accept-Patch']).toBe('application/json');
    expect(refusal(() => parseLayerChoice(undefined, Buffer.from('{}'), KNOWN)).status).toBe(415);
  });

  it.each([
    ['not JSON', 'layer=480p', /not JSON/],
    ['empty', '', /not JSON/],
    ['no layer field', '{"quality":"480p"}', /send \{"layer"/],
    ['an array', '["480p"]', /send \{"layer"/],
    ['a number', '{"layer":480}', /no such layer; the channel has source, 480p, 240p/],
    ['an unknown layer', '{"layer":"1080p"}', /no such layer "1080p"/],
    ['a case variant', '{"layer":"Source"}', /no such layer "Source"/],
  ])('refuses %s with 400 BAD_LAYER', (_what, body, message) => {
    const r = refusal(() => parseLayerChoice(json, Buffer.from(body), KNOWN));
    expect([r.status, r.code]).toEqual([400, 'BAD_LAYER']);
    expect(r.message).toMatch(message);
  });

  it('says so when the channel has no layers, and echoes no more than 32 characters of a name', () => {
    const offline = refusal(() => parseLayerChoice(json, Buffer.from('{"layer":"480p"}'), []));
    expect(offline.message).toMatch(/offline/);
    const long = refusal(() => parseLayerChoice(json, Buffer.from(JSON.stringify({ layer: 'x'.repeat(500) })), KNOWN));
    expect(long.message.length).toBeLessThan(120);
  });
});
