import { BitWriter, ByteWriter } from '../bytes.ts';
import type { Random } from '../random.ts';

function objectType(rng: Random, b: BitWriter): void {
  const aot = rng.pick([2, 2, 2, 1, 5, 29, 0, 4, 31, 42]);
  if (aot === 31 || aot >= 32) {
    b.bits(5, 31).bits(6, rng.below(64));
  } else {
    b.bits(5, aot);
  }
}

function frequency(rng: Random, b: BitWriter): void {
  const index = rng.chance(0.85) ? rng.int(0, 12) : rng.pick([13, 14, 15]);
  b.bits(4, index);
  if (index === 15) b.bits(24, rng.pick([0, 48000, 0xffffff, rng.u32() & 0xffffff]));
}

/** AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1): object type (with the 31 escape), rate (with 15), channels, SBR/PS. */
export function generateAsc(rng: Random): Uint8Array {
  const b = new BitWriter();
  const sbr = rng.chance(0.15);
  if (sbr) b.bits(5, rng.pick([5, 29]));
  else objectType(rng, b);
  frequency(rng, b);
  b.bits(4, rng.chance(0.85) ? rng.int(1, 7) : rng.below(16));
  if (sbr) {
    frequency(rng, b);
    objectType(rng, b);
  }
  b.bits(3, 0);
  if (rng.chance(0.2)) b.bits(11, 0x2b7).bits(5, 5).bits(1, 1);
  const out = b.finish();
  return rng.chance(0.1) ? out.subarray(0, rng.below(out.length + 1)) : out;
}

/** One ADTS frame (14496-3 1.A.2.2): header fields from the whole range, a frame length that is mostly right. */
export function writeAdtsFrame(rng: Random, w: ByteWriter, fixed: { profile: number; freq: number; ch: number }): void {
  const protectionAbsent = rng.chance(0.9) ? 1 : 0;
  const headerLength = protectionAbsent ? 7 : 9;
  const payload = rng.bytes(rng.size(400));
  let frameLength = headerLength + payload.length;
  if (rng.chance(0.05)) frameLength = rng.pick([0, 6, 7, 8, frameLength + 1, frameLength - 1, 0x1fff]);
  const sync = rng.chance(0.97) ? 0xfff : rng.u32() & 0xfff;
  const layer = rng.chance(0.97) ? 0 : rng.below(4);
  const blocks = rng.chance(0.95) ? 0 : rng.below(4);
  w.u8(sync >> 4);
  w.u8(((sync & 0xf) << 4) | (rng.below(2) << 3) | (layer << 1) | protectionAbsent);
  w.u8((fixed.profile << 6) | (fixed.freq << 2) | (fixed.ch >> 2));
  w.u8(((fixed.ch & 3) << 6) | ((frameLength >> 11) & 3));
  w.u8((frameLength >> 3) & 0xff);
  w.u8(((frameLength & 7) << 5) | 0x1f);
  w.u8(0xfc | blocks);
  if (!protectionAbsent) w.u16(rng.u32() & 0xffff);
  w.bytes(payload);
}

/** A run of ADTS frames, mostly with one configuration; sometimes it changes midway or the last frame is cut. */
export function generateAdts(rng: Random): Uint8Array {
  const w = new ByteWriter();
  const config = () => ({
    profile: rng.below(4),
    freq: rng.chance(0.9) ? rng.int(0, 12) : rng.int(13, 15),
    ch: rng.chance(0.9) ? rng.int(1, 7) : rng.below(8),
  });
  let fixed = config();
  const n = rng.chance(0.05) ? 0 : rng.int(1, 5);
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.05)) fixed = config();
    writeAdtsFrame(rng, w, fixed);
  }
  const out = w.finish();
  return rng.chance(0.1) ? out.subarray(0, rng.below(out.length + 1)) : out;
}
