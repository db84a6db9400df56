import { describe, expect, it } from 'vitest';
import { MemoryStreamKeyStore } from '../platform/stream-keys.ts';
import { type AdmissionRefusalCode, PublishAdmission, type PublishAttempt } from './publish-admission.ts';

const DEMO_KEY = 'demo-key-0123456789';
const OTHER_KEY = 'other-key-0123456789';

function setup(options: { live?: Set<string>; maxFailures?: number } = {}) {
  const keys = new MemoryStreamKeyStore();
  keys.add({ id: 'demo', displayName: 'Demo' }, DEMO_KEY);
  keys.add({ id: 'other', displayName: 'Other' }, OTHER_KEY);
  const live = options.live ?? new Set<string>();
  let nowMs = 0;
  const refused: Array<[AdmissionRefusalCode, PublishAttempt]> = [];
  const admission = new PublishAdmission({
    keys,
    isLive: (channelId) => live.has(channelId),
    throttle: { maxFailures: options.maxFailures ?? 3, windowMs: 10_000 },
    nowMs: () => nowMs,
    onRefused: (code, attempt) => refused.push([code, attempt]),
  });
  return { admission, live, refused, advance: (ms: number) => (nowMs += ms) };
}

const attempt = (streamKey: string, channelParam?: string, remoteAddress = '192.0.2.1'): PublishAttempt => ({
  streamKey,
  remoteAddress,
  ...(channelParam === undefined ? {} : { channelParam }),
});

describe('PublishAdmission', () => {
  it('admits a good key to its channel (RTMP names none, WHIP names the right one)', async () => {
    const { admission } = setup();
    const rtmp = await admission.admit(attempt(DEMO_KEY));
    expect(rtmp.ok && rtmp.channel.id).toBe('demo');
    const whip = await admission.admit(attempt(OTHER_KEY, 'other'));
    expect(whip.ok && whip.channel.id).toBe('other');
  });

  it.each([
    ['an unknown key', attempt('not-a-key-0123456789'), 'BAD_STREAM_KEY', 401],
    ['a key for another channel', attempt(OTHER_KEY, 'demo'), 'KEY_NOT_FOR_CHANNEL', 403],
  ] as const)('refuses %s with %s (%i) and a sentence', async (_label, given, code, status) => {
    const { admission, refused } = setup();
    const decision = await admission.admit(given);
    expect(decision).toMatchObject({ ok: false, code, status });
    expect(decision.ok ? '' : decision.message).toMatch(/\w+ .*;/);
    expect(refused.map(([c]) => c)).toEqual([code]);
  });

  it('never names the channel a wrong key belongs to', async () => {
    const { admission } = setup();
    const decision = await admission.admit(attempt(OTHER_KEY, 'demo'));
    expect(decision.ok ? '' : decision.message).not.toContain('other');
  });

  it('one publisher per channel: live elsewhere (hub or SFU) or reserved by an admitted publish', async () => {
    const { admission, live } = setup();
    live.add('demo');
    expect(await admission.admit(attempt(DEMO_KEY))).toMatchObject({ ok: false, code: 'ALREADY_LIVE', status: 409 });
    live.delete('demo');
    const first = await admission.admit(attempt(DEMO_KEY));
    expect(first.ok).toBe(true);
    expect(admission.isLiveOrReserved('demo')).toBe(true);
    expect(await admission.admit(attempt(DEMO_KEY, 'demo', '198.51.100.9'))).toMatchObject({ code: 'ALREADY_LIVE' });
  });

  it('release frees a reservation whose publish never started; started hands it to the live check', async () => {
    const { admission, live } = setup();
    const first = await admission.admit(attempt(DEMO_KEY));
    if (first.ok) first.release();
    expect(admission.isLiveOrReserved('demo')).toBe(false);
    expect((await admission.admit(attempt(DEMO_KEY))).ok).toBe(true);
    live.add('demo');
    admission.started('demo');
    expect(admission.isLiveOrReserved('demo')).toBe(true);
    live.delete('demo');
    expect(admission.isLiveOrReserved('demo')).toBe(false);
  });

  it('throttles an address after too many wrong keys, even with the right key, until the window passes', async () => {
    const { admission, advance } = setup({ maxFailures: 2 });
    await admission.admit(attempt('wrong-key-00000000001'));
    await admission.admit(attempt(OTHER_KEY, 'demo'));
    const locked = await admission.admit(attempt(DEMO_KEY));
    expect(locked).toMatchObject({ ok: false, code: 'TOO_MANY_ATTEMPTS', status: 429, retryAfterSec: 10 });
    expect((await admission.admit(attempt(DEMO_KEY, undefined, '203.0.113.5'))).ok).toBe(true);
    advance(10_001);
    expect(await admission.admit(attempt(DEMO_KEY))).toMatchObject({ ok: false, code: 'ALREADY_LIVE' });
  });
});
