import { FakeRtpSource } from '@glint/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StreamHub } from '../stream/hub.ts';
import { whipToStream } from './whip-to-stream.ts';

const H264 = {
  mimeType: 'video/H264',
  clockRate: 90_000,
  sdpFmtpLine: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
};

/** Notes when (on the fake clock) each keyframe request reached the publisher. */
class TimedSource extends FakeRtpSource {
  readonly requestedAtMs: number[] = [];

  override requestKeyframe(): void {
    super.requestKeyframe();
    this.requestedAtMs.push(Date.now());
  }
}

afterEach(() => vi.useRealTimers());

describe('whipToStream: keyframes asked of the publisher at the configured interval', () => {
  it.each<[string, number | undefined, number, number[]]>([
    ['the default, 1 s', undefined, 3000, [1000, 2000, 3000]],
    ['a 2 s segment target', 2000, 6500, [2000, 4000, 6000]],
    ['a 500 ms segment target', 500, 2000, [500, 1000, 1500, 2000]],
    ['a 4 s segment target: none in the first 3.9 s', 4000, 3900, []],
  ])('%s', (_what, keyframeIntervalMs, forMs, expectedAtMs) => {
    vi.useFakeTimers({ now: 0 });
    const source = new TimedSource('live1', { video: H264 });
    const hub = new StreamHub({
      onReaderError: (error) => {
        throw error;
      },
    });
    const bridge = whipToStream(source, hub.publish('live1', 'whip'), {
      clock: () => Date.now(),
      onSourceClose: () => {},
      ...(keyframeIntervalMs === undefined ? {} : { keyframeIntervalMs }),
    });
    vi.advanceTimersByTime(forMs);
    expect(source.requestedAtMs).toEqual(expectedAtMs);
    expect(bridge.stats.keyframeRequests).toBe(expectedAtMs.length);
    bridge.stop();
    vi.advanceTimersByTime(10_000);
    expect(source.keyframeRequests).toBe(expectedAtMs.length);
  });
});
