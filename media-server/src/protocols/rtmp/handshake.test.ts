import { describe, expect, it } from 'vitest';
import { RtmpError } from './errors.ts';
import { ServerHandshake } from './handshake.ts';

const c1 = Uint8Array.from({ length: 1536 }, (_, i) => (i * 7) & 0xff);

function server(): ServerHandshake {
  return new ServerHandshake({ timeMs: () => 0x01020304, randomBytes: (n) => new Uint8Array(n).fill(0xab) });
}

describe('ServerHandshake (simple handshake)', () => {
  it('answers C0+C1 with S0=3, S1 = time + zeros + random, S2 = C1, then waits for C2', () => {
    const hs = server();
    expect(hs.push(Uint8Array.of(3))).toEqual({ done: false });
    const step = hs.push(c1);
    expect(step.done).toBe(false);
    const out = step.output!;
    expect(out.length).toBe(1 + 1536 * 2);
    expect([...out.subarray(0, 9)]).toEqual([3, 1, 2, 3, 4, 0, 0, 0, 0]);
    expect(out.subarray(9, 1537).every((b) => b === 0xab)).toBe(true);
    expect(out.subarray(1537)).toEqual(c1);
    expect(hs.push(new Uint8Array(1000))).toEqual({ done: false });
    expect(hs.push(Uint8Array.of(...new Uint8Array(536), 0x02, 0x00))).toEqual({
      done: true,
      remainder: Uint8Array.of(0x02, 0x00),
    });
  });

  it('handles C0, C1, C2 and the first chunk arriving in one read', () => {
    const all = Uint8Array.of(3, ...c1, ...new Uint8Array(1536), 0x03);
    const step = server().push(all);
    expect(step.done).toBe(true);
    expect(step.output?.length).toBe(3073);
    expect(step.done && [...step.remainder]).toEqual([3]);
  });

  it.each([6, 0x47, 0])('refuses version %i (RTMPE, "GET", garbage)', (version) => {
    expect(() => server().push(Uint8Array.of(version))).toThrowError(
      expect.objectContaining({ code: 'HANDSHAKE_VERSION', constructor: RtmpError }),
    );
  });
});
