import { silentLogger } from '@glint/media-core';
import { Platform } from '@glint/platform';
import { describe, expect, it } from 'vitest';
import { type AdmissionRefusalCode, PublishAdmission, type PublishAttempt } from './publish-admission.ts';

const DEMO_KEY = 'demo-key-0123456789';
const OTHER_KEY = 'other-key-0123456789';

/** The real key store over in-memory SQLite (no file, no socket): what ingest asks in production. */
async function setup(options: { live?: Set<string>; maxFailures?: number } = {}) {
  const platform = await Platform.open({ databaseUrl: 'sqlite::memory:', logger: silentLogger, reconnectGraceMs: 0 });
  await platform.seedChannel('demo', 'Demo', DEMO_KEY);
  await platform.seedChannel('other', 'Other', OTHER_KEY);
  const keys = platform.streamKeys;
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
  return { admission, live, refused, platform, advance: (ms: number) => (nowMs += ms) };
}

const attempt = (streamKey: string, channelParam?: string, remoteAddress = '192.0.2.1'): PublishAttempt => ({
  streamKey,
  remoteAddress,
  ...(channelParam === undefined ? {} : { channelParam }),
});

describe('PublishAdmission', () => {
  it('admits a good key to its channel (RTMP names none, WHIP names the right one)', async () => {
    const { admission } = await setup();
    const rtmp = await admission.admit(attempt(DEMO_KEY));
    expect(rtmp.ok && rtmp.channel.id).toBe('demo');
    const whip = await admission.admit(attempt(OTHER_KEY, 'other'));
    expect(whip.ok && whip.channel.id).toBe('other');
  });

  it.each([
    ['an unknown key', attempt('not-a-key-0123456789'), 'BAD_STREAM_KEY', 401],
    ['a key for another channel', attempt(OTHER_KEY, 'demo'), 'KEY_NOT_FOR_CHANNEL', 403],
  ] as const)('refuses %s with %s (%i) and a sentence', async (_label, given, code, status) => {
    const { admission, refused } = await setup();
    const decision = await admission.admit(given);
    expect(decision).toMatchObject({ ok: false, code, status });
    expect(decision.ok ? '' : decision.message).toMatch(/\w+ .*;/);
    expect(refused.map(([c]) => c)).toEqual([code]);
  });

  it('never names the channel a wrong key belongs to', async () => {
    const { admission } = await setup();
    const decision = await admission.admit(attempt(OTHER_KEY, 'demo'));
    expect(decision.ok ? '' : decision.message).not.toContain('other');
  });

  it('one publisher per channel: live elsewhere (hub or SFU) or reserved by an admitted publish', async () => {
    const { admission, live } = await setup();
    live.add('demo');
    expect(await admission.admit(attempt(DEMO_KEY))).toMatchObject({ ok: false, code: 'ALREADY_LIVE', status: 409 });
    live.delete('demo');
    const first = await admission.admit(attempt(DEMO_KEY));
    expect(first.ok).toBe(true);
    expect(admission.isLiveOrReserved('demo')).toBe(true);
    expect(await admission.admit(attempt(DEMO_KEY, 'demo', '198.51.100.9'))).toMatchObject({ code: 'ALREADY_LIVE' });
  });

  it('release frees a reservation whose publish never started; started hands it to the live check', async () => {
    const { admission, live } = await setup();
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
    const { admission, advance } = await setup({ maxFailures: 2 });
    await admission.admit(attempt('wrong-key-00000000001'));
    await admission.admit(attempt(OTHER_KEY, 'demo'));
    const locked = await admission.admit(attempt(DEMO_KEY));
    expect(locked).toMatchObject({ ok: false, code: 'TOO_MANY_ATTEMPTS', status: 429, retryAfterSec: 10 });
    expect((await admission.admit(attempt(DEMO_KEY, undefined, '203.0.113.5'))).ok).toBe(true);
    advance(10_001);
    expect(await admission.admit(attempt(DEMO_KEY))).toMatchObject({ ok: false, code: 'ALREADY_LIVE' });
  });

  it('refuses a new publish with 503 and a retry hint while the key store is down, without counting a failure', async () => {
    const { admission, platform, refused } = await setup({ maxFailures: 1 });
    await platform.database.close();
    for (let i = 0; i < 3; i++) {
      const decision = await admission.admit(attempt(DEMO_KEY));
      expect(decision).toMatchObject({ ok: false, code: 'KEY_CHECK_UNAVAILABLE', status: 503, retryAfterSec: 5 });
      expect(decision.ok ? '' : decision.message).toContain('retry');
    }
    expect(refused.map(([code]) => code)).toEqual(Array(3).fill('KEY_CHECK_UNAVAILABLE'));
  });
});
