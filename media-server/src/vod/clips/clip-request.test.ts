import { isGlintError } from '@glint/media-core';
import { describe, expect, it } from 'vitest';
import { checkRange, parseClipRequest } from './clip-request.ts';

const code = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return isGlintError(error) ? error.code : String(error);
  }
};

describe('parseClipRequest', () => {
  it('reads a live and a VOD request', () => {
    expect(parseClipRequest({ channel: 'dave', seconds: 30, title: '  wow ' })).toEqual({
      kind: 'live',
      channel: 'dave',
      seconds: 30,
      title: 'wow',
    });
    expect(parseClipRequest({ broadcastId: '0mx3w54du11pfv2dwa6', startSec: 1.5, endSec: 7 })).toEqual({
      kind: 'vod',
      broadcastId: '0mx3w54du11pfv2dwa6',
      startSec: 1.5,
      endSec: 7,
      title: null,
    });
  });

  it.each([
    [null, 'CLIP_BAD_REQUEST'],
    [[], 'CLIP_BAD_REQUEST'],
    [{}, 'CLIP_BAD_REQUEST'],
    [{ channel: 'dave', seconds: 30, startSec: 1 }, 'CLIP_BAD_REQUEST'],
    [{ channel: '../x', seconds: 30 }, 'CLIP_BAD_REQUEST'],
    [{ channel: 'dave', seconds: '30' }, 'CLIP_BAD_REQUEST'],
    [{ channel: 'dave', seconds: Number.NaN }, 'CLIP_BAD_REQUEST'],
    [{ channel: 'dave', seconds: 4 }, 'CLIP_RANGE_INVALID'],
    [{ channel: 'dave', seconds: 61 }, 'CLIP_RANGE_INVALID'],
    [{ channel: 'dave', seconds: 30, title: 7 }, 'CLIP_BAD_REQUEST'],
    [{ channel: 'dave', seconds: 30, title: 'x'.repeat(141) }, 'CLIP_BAD_REQUEST'],
    [{ broadcastId: 'NOT-AN-ID', startSec: 0, endSec: 10 }, 'CLIP_BAD_REQUEST'],
    [{ broadcastId: '0mx3w54du11pfv2dwa6', startSec: -1, endSec: 10 }, 'CLIP_RANGE_INVALID'],
    [{ broadcastId: '0mx3w54du11pfv2dwa6', startSec: 10, endSec: 5 }, 'CLIP_RANGE_INVALID'],
    [{ broadcastId: '0mx3w54du11pfv2dwa6', startSec: 0, endSec: 60.5 }, 'CLIP_RANGE_INVALID'],
  ])('refuses %j with %s', (body, expected) => {
    expect(code(() => parseClipRequest(body))).toBe(expected);
  });
});

describe('checkRange', () => {
  it('takes a range inside what is archived (a millisecond of slack at the end) and refuses one past it', () => {
    expect(code(() => checkRange(10, 20, 20_000_000))).toBeUndefined();
    expect(code(() => checkRange(10, 20.0005, 20_000_000))).toBeUndefined();
    expect(code(() => checkRange(10, 20.01, 20_000_000))).toBe('CLIP_RANGE_INVALID');
    expect(code(() => checkRange(25, 30, 20_000_000))).toBe('CLIP_RANGE_INVALID');
  });
});
