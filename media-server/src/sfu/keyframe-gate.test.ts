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

describe('KeyframeGate: drop within the interval, and a period', () => {
  /** Requests at the given times (ms); returns the times at which requests reached the source. */
  function run(
    options: ConstructorParameters<typeof KeyframeGate>[1],
    requestsAtMs: readonly number[],
    untilMs: number,
  ) {
    vi.useFakeTimers({ now: 0 });
    const sentAtMs: number[] = [];
    const gate = new KeyframeGate(() => sentAtMs.push(Date.now()), { ...options, now: () => Date.now() });
    for (const at of requestsAtMs) {
      vi.advanceTimersByTime(at - Date.now());
      gate.request();
    }
    vi.advanceTimersByTime(untilMs - Date.now());
    gate.close();
    return sentAtMs;
  }

  it.each<[string, ConstructorParameters<typeof KeyframeGate>[1], number[], number, number[]]>([
    [
      'drop: the first passes, the rest of the interval is dropped',
      { intervalMs: 300, withinInterval: 'drop' },
      [0, 100, 299],
      2000,
      [0],
    ],
    [
      'drop: a request at the interval end passes',
      { intervalMs: 300, withinInterval: 'drop' },
      [0, 300, 599, 600],
      2000,
      [0, 300, 600],
    ],
    [
      'defer: the same asks, folded into one more at the interval end',
      { intervalMs: 300 },
      [0, 100, 299],
      2000,
      [0, 300],
    ],
    ['a period alone', { everyMs: 250 }, [], 1000, [250, 500, 750, 1000]],
    [
      'a period starts a new interval: a request just after it is dropped',
      { intervalMs: 300, withinInterval: 'drop', everyMs: 1000 },
      [1100, 1300, 1400],
      2000,
      [1000, 1300, 2000],
    ],
    ['a period serves a deferred request', { intervalMs: 500, everyMs: 1000 }, [800, 900], 1400, [800, 1000]],
  ])('%s', (_what, options, requestsAtMs, untilMs, expected) => {
    expect(run(options, requestsAtMs, untilMs)).toEqual(expected);
  });

  it('stops the period on close', () => {
    vi.useFakeTimers();
    let sent = 0;
    const gate = new KeyframeGate(() => sent++, { everyMs: 100, now: () => Date.now() });
    vi.advanceTimersByTime(250);
    gate.close();
    vi.advanceTimersByTime(1000);
    expect(sent).toBe(2);
    expect(gate.requested).toBe(0);
  });
});
