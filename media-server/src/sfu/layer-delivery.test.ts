import { describe, expect, it } from 'vitest';
import { DeliveryMeter } from './layer-delivery.ts';

/** Sends `count` packets of `bytes` from `seq` at `kbps` starting at `atMs`; returns the time after the last. */
function send(meter: DeliveryMeter, seq: number, count: number, bytes: number, kbps: number, atMs: number): number {
  const stepMs = (bytes * 8) / kbps;
  for (let k = 0; k < count; k++) meter.sent((seq + k) % 0x1_0000, bytes, atMs + k * stepMs);
  return atMs + count * stepMs;
}

describe('DeliveryMeter', () => {
  it('reads no queue on a link that keeps up, and the rate sent as the rate delivered', () => {
    const m = new DeliveryMeter();
    send(m, 100, 1000, 1000, 2000, 0); // 4 ms a packet: 4 s
    const first = m.received(100 + 249, 0, 249 * 4 + 5);
    expect(first).toMatchObject({ queueDelayMs: 0, deliveredKbps: null });
    const second = m.received(100 + 499, 0, 499 * 4 + 5);
    expect(second?.queueDelayMs).toBeCloseTo(0, 5);
    expect(second?.deliveredKbps).toBeCloseTo(2000, 0);
  });

  it('reads the queue of a capped link growing, and the capped rate delivered (less the loss)', () => {
    const m = new DeliveryMeter();
    send(m, 0, 2000, 1000, 2000, 0);
    // The viewer receives at 1,000 kbit/s from t = 0 (8 ms a packet): at t, packet t / 8 arrives; its lag grows.
    const at = (t: number) => m.received(Math.floor(t / 8), 0, t);
    // Packet 1 (sent at 4 ms) at 8 ms: the path's own lag, 4 ms.
    expect(at(8)?.queueDelayMs).toBe(0);
    const a = at(1000);
    const b = at(1600);
    // Packet 125 was sent at 500 ms: 500 ms of lag, 496 over the path's own.
    expect(a?.queueDelayMs).toBeCloseTo(496, 0);
    expect(b?.queueDelayMs).toBeGreaterThan(a?.queueDelayMs ?? 0);
    // Sending twice what the link delivers: the queue grows by half the time elapsed.
    expect(a?.queueGrowth).toBeCloseTo(0.5, 2);
    expect(b?.queueGrowth).toBeCloseTo(0.5, 2);
    expect(b?.deliveredKbps).toBeCloseTo(1000, -1);
    expect(m.received(Math.floor(2400 / 8), 0.5, 2400)?.deliveredKbps).toBeCloseTo(500, -1);
  });

  it('ignores a report naming a packet it does not hold (never sent, overwritten, too old)', () => {
    const m = new DeliveryMeter();
    send(m, 0, 10, 1000, 1000, 0);
    expect(m.received(500, 0, 100)).toBeNull();
    expect(m.received(5, 0, 60_000)).toBeNull();
    send(m, 10, 4096, 100, 10_000, 100);
    expect(m.received(5, 0, 200)).toBeNull();
  });

  it('takes the extended highest sequence number (cycles above 16 bits)', () => {
    const m = new DeliveryMeter();
    send(m, 0xfff0, 32, 1000, 1000, 0);
    expect(m.received(0x1_0005, 0, 300)).not.toBeNull();
  });
});
