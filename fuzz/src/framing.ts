import { ByteWriter } from './bytes.ts';
import { hashBytes, Random } from './random.ts';

/**
 * A list of packets in one input: each is a u16 big-endian length and that many bytes. Decoding never fails, so a
 * mutated input is still a list: a length past the end takes what is left. Saved inputs replay exactly.
 */
export function framePackets(packets: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  for (const p of packets) w.u16(Math.min(p.length, 0xffff)).bytes(p.subarray(0, 0xffff));
  return w.finish();
}

export function unframePackets(input: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at + 2 <= input.length) {
    const n = (input[at]! << 8) | input[at + 1]!;
    at += 2;
    out.push(input.subarray(at, Math.min(at + n, input.length)));
    at += n;
  }
  return out;
}

/**
 * Cuts a byte stream into the reads a socket might deliver, seeded by the input itself: a stream parser must give
 * the same result however its bytes arrive, and ByteQueue edge cases live at read boundaries.
 */
export function socketReads(input: Uint8Array): Uint8Array[] {
  const rng = new Random(hashBytes(input));
  const mode = rng.below(8);
  if (mode < 4 || input.length === 0) return [input];
  const reads: Uint8Array[] = [];
  let at = 0;
  while (at < input.length) {
    // Mode 4 trickles the first bytes (headers) one to three at a time, then delivers the rest at once.
    const n = mode === 4 ? (at < 64 ? rng.int(1, 3) : input.length) : mode === 5 ? rng.int(1, 64) : rng.int(1, 4096);
    reads.push(input.subarray(at, at + n));
    at += n;
  }
  return reads;
}
