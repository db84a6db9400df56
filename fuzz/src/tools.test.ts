import { describe, expect, it } from 'vitest';
import { decodeMappings } from './coverage.ts';
import { framePackets, socketReads, unframePackets } from './framing.ts';
import { MAX_INPUT_BYTES, mutate } from './mutate.ts';
import { Random } from './random.ts';

describe('fuzzer tools', () => {
  it('cuts any input into socket reads that join back to it, the same way each time', () => {
    const rng = new Random(1);
    for (let i = 0; i < 100; i++) {
      const input = rng.bytes(rng.size(3000));
      const reads = socketReads(input);
      expect(Buffer.concat(reads)).toEqual(Buffer.from(input));
      expect(socketReads(input).map((r) => r.length)).toEqual(reads.map((r) => r.length));
    }
  });

  it('frames packets so that any bytes unframe into a list', () => {
    const packets = [Uint8Array.of(1, 2, 3), new Uint8Array(0), Uint8Array.of(9)];
    expect(unframePackets(framePackets(packets))).toEqual(packets);
    expect(unframePackets(Uint8Array.of(0, 9, 1, 2))).toEqual([Uint8Array.of(1, 2)]);
    expect(unframePackets(Uint8Array.of(7))).toEqual([]);
  });

  it('mutates within the size cap and never changes the input it was given', () => {
    const rng = new Random(2);
    const input = rng.bytes(MAX_INPUT_BYTES - 8);
    const copy = input.slice();
    let longest = 0;
    for (let i = 0; i < 200; i++) longest = Math.max(longest, mutate(rng, input, () => rng.bytes(600)).length);
    expect(longest).toBe(MAX_INPUT_BYTES);
    expect(Buffer.from(input).equals(copy)).toBe(true);
  });

  it('reads source map mappings into generated offsets and original lines', () => {
    // Line 1: column 0 → source line 1 col 0, column 4 → line 2 col 2; line 2: column 0 → line 3 col 0.
    const segments = decodeMappings('abcdefgh\nxyz', 'AAAA,IACE;AACF');
    expect(segments).toEqual([
      { offset: 0, line: 1, column: 0 },
      { offset: 4, line: 2, column: 2 },
      { offset: 9, line: 3, column: 0 },
    ]);
  });
});
