import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyframeGate } from './keyframe-gate.ts';

afterEach(() => vi.useRealTimers());

describe('KeyframeGate', () => {
  it('passes the first request at once and folds a burst into one more after the interval', () => {
    vi.useFakeTimers();
    let sent = 0;
    const gate = new KeyframeGate(() => sent++, { intervalMs: 500, now: () => Date.now() });
    gate.request();
    expect(sent).toBe(1);
    for (let i = 0; i < 20; i++) gate.request();
    expect(sent).toBe(1);
    vi.advanceTimersByTime(499);
    expect(sent).toBe(1);
    vi.advanceTimersByTime(1);
    expect(sent).toBe(2);
    vi.advanceTimersByTime(5000);
    expect(sent).toBe(2);
    expect(gate.requested).toBe(21);
  });

  it('never exceeds one request per interval under a steady stream of asks', () => {
    vi.useFakeTimers();
    let sent = 0;
    const gate = new KeyframeGate(() => sent++, { intervalMs: 500, now: () => Date.now() });
    for (let t = 0; t < 10_000; t += 20) {
      gate.request();
      vi.advanceTimersByTime(20);
    }
    expect(sent).toBeLessThanOrEqual(21);
    expect(sent).toBeGreaterThanOrEqual(19);
  });

  it('drops a pending request on close', () => {
    vi.useFakeTimers();
    let sent = 0;
    const gate = new KeyframeGate(() => sent++, { intervalMs: 500, now: () => Date.now() });
    gate.request();
    gate.request();
    gate.close();
    vi.advanceTimersByTime(1000);
    expect(sent).toBe(1);
  });
});
