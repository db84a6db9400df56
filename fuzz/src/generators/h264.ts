import { addEmulationPrevention, BitWriter, ByteWriter, concatBytes } from '../bytes.ts';
import type { Random } from '../random.ts';

const PROFILES = [66, 77, 88, 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135, 0, 255];
const HIGH = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** An Exp-Golomb value: mostly in range, sometimes at or past the limit the spec sets, sometimes huge. */
function ue(rng: Random, typicalMax: number): number {
  if (rng.chance(0.85)) return rng.int(0, typicalMax);
  return rng.pick([typicalMax + 1, typicalMax * 2 + 1, 255, 65535, 2 ** 31 - 1, 2 ** 32 - 2]);
}

function se(rng: Random): number {
  return rng.chance(0.9) ? rng.int(-4, 4) : rng.pick([2 ** 30, -(2 ** 30), 2 ** 31 - 1]);
}

/** A sequence parameter set (7.3.2.1.1) with the header byte, emulation prevention applied. */
export function generateSps(rng: Random): Uint8Array {
  const profile = rng.pick(PROFILES);
  const b = new BitWriter();
  b.bits(8, profile)
    .bits(8, rng.u32() & 0xfc)
    .bits(8, rng.pick([10, 21, 30, 31, 40, 42, 51, 52, 0, 255]));
  b.ue(ue(rng, 31));
  if (HIGH.has(profile)) {
    const chroma = ue(rng, 3);
    b.ue(chroma);
    if (chroma === 3) b.flag(rng.chance(0.5));
    b.ue(ue(rng, 6)).ue(ue(rng, 6)).flag(rng.chance(0.2));
    const scaling = rng.chance(0.2);
    b.flag(scaling);
    if (scaling) {
      for (let i = 0; i < (chroma === 3 ? 12 : 8); i++) {
        const present = rng.chance(0.5);
        b.flag(present);
        if (present) for (let j = 0; j < (i < 6 ? 16 : 64); j++) b.se(rng.chance(0.8) ? 0 : se(rng));
      }
    }
  }
  b.ue(ue(rng, 12));
  const poc = ue(rng, 2);
  b.ue(poc);
  if (poc === 0) b.ue(ue(rng, 12));
  else if (poc === 1) {
    b.flag(rng.chance(0.5)).se(se(rng)).se(se(rng));
    const cycle = ue(rng, 4);
    b.ue(cycle);
    for (let i = 0; i < Math.min(cycle, 300); i++) b.se(se(rng));
  }
  b.ue(ue(rng, 16)).flag(rng.chance(0.1));
  b.ue(rng.chance(0.9) ? rng.int(0, 120) : ue(rng, 1000)).ue(rng.chance(0.9) ? rng.int(0, 68) : ue(rng, 1000));
  const frameMbsOnly = rng.chance(0.8);
  b.flag(frameMbsOnly);
  if (!frameMbsOnly) b.flag(rng.chance(0.5));
  b.flag(true);
  const crop = rng.chance(0.3);
  b.flag(crop);
  if (crop) for (let i = 0; i < 4; i++) b.ue(rng.chance(0.8) ? rng.int(0, 8) : ue(rng, 100));
  const vui = rng.chance(0.5);
  b.flag(vui);
  if (vui) writeVui(rng, b);
  if (rng.chance(0.9)) b.trailing();
  const rbsp = b.finish();
  const body = rng.chance(0.95) ? addEmulationPrevention(rbsp) : rbsp;
  return concatBytes([Uint8Array.of(rng.chance(0.95) ? 0x67 : rng.pick([0x27, 0xe7, 0x07, 0x68])), body]);
}

function writeVui(rng: Random, b: BitWriter): void {
  const aspect = rng.chance(0.3);
  b.flag(aspect);
  if (aspect) {
    const idc = rng.pick([1, 255, 17]);
    b.bits(8, idc);
    if (idc === 255) b.bits(16, rng.u32() & 0xffff).bits(16, rng.u32() & 0xffff);
  }
  const overscan = rng.chance(0.2);
  b.flag(overscan);
  if (overscan) b.flag(rng.chance(0.5));
  const signal = rng.chance(0.3);
  b.flag(signal);
  if (signal) {
    b.bits(3, rng.below(8)).flag(rng.chance(0.5));
    const colour = rng.chance(0.5);
    b.flag(colour);
    if (colour) b.bits(24, rng.u32() & 0xffffff);
  }
  const chromaLoc = rng.chance(0.2);
  b.flag(chromaLoc);
  if (chromaLoc) b.ue(ue(rng, 5)).ue(ue(rng, 5));
  const timing = rng.chance(0.7);
  b.flag(timing);
  if (timing) {
    b.bits(32, rng.pick([1, 1001, 0, 0xffffffff, rng.u32()]));
    b.bits(32, rng.pick([60, 60000, 50, 0, 0xffffffff, rng.u32()]));
    b.flag(rng.chance(0.5));
  }
  // The rest of the VUI (HRD, bitstream restriction) as random bits: parsers stop reading after timing.
  for (let i = rng.below(8); i > 0; i--) b.bits(8, rng.u32() & 0xff);
}

export function generatePps(rng: Random): Uint8Array {
  const b = new BitWriter();
  b.ue(ue(rng, 255)).ue(ue(rng, 31)).flag(rng.chance(0.5)).flag(false).ue(0).ue(rng.int(0, 3)).ue(rng.int(0, 3));
  b.flag(false).bits(2, 0).se(se(rng)).se(0).se(0).flag(true).flag(false).flag(false).trailing();
  return concatBytes([Uint8Array.of(0x68), addEmulationPrevention(b.finish())]);
}

/** A NAL unit of any type: slices with a few random payload bytes, parameter sets, SEI, AUD, filler, reserved. */
export function generateNal(rng: Random): Uint8Array {
  const kind = rng.below(10);
  if (kind === 0) return generateSps(rng);
  if (kind === 1) return generatePps(rng);
  const type = rng.pick([1, 1, 5, 5, 6, 9, 12, 0, 13, 19, 24, 28, 30, 31]);
  const header = (rng.chance(0.95) ? 0 : 0x80) | (rng.below(4) << 5) | type;
  const body = rng.bytes(rng.size(kind === 2 ? 2000 : 80));
  return concatBytes([Uint8Array.of(header), body]);
}

export function generateNals(rng: Random): Uint8Array[] {
  if (rng.chance(0.02)) {
    // Around the cap on NAL units per access unit (1,024): tiny NALs, one more or one fewer than the limit.
    const one = Uint8Array.of(0x41);
    return Array.from({ length: rng.pick([1023, 1024, 1025, 2000]) }, () => one);
  }
  const n = rng.chance(0.1) ? 0 : rng.int(1, 6);
  const nals: Uint8Array[] = [];
  for (let i = 0; i < n; i++) nals.push(generateNal(rng));
  if (rng.chance(0.05)) nals.push(new Uint8Array(0));
  return nals;
}

/** Annex B: 3- or 4-byte start codes, sometimes leading garbage, trailing zeros or a start code with nothing after. */
export function generateAnnexB(rng: Random): Uint8Array {
  const w = new ByteWriter();
  if (rng.chance(0.1)) w.bytes(rng.bytes(rng.size(8)));
  for (const nal of generateNals(rng)) {
    w.bytes(rng.chance(0.5) ? Uint8Array.of(0, 0, 0, 1) : Uint8Array.of(0, 0, 1)).bytes(nal);
    if (rng.chance(0.1)) w.bytes(new Uint8Array(rng.int(1, 6)));
  }
  if (rng.chance(0.1)) w.bytes(Uint8Array.of(0, 0, 1));
  return w.finish();
}

/** Length-prefixed NAL units (AVCC); sometimes one length lies. */
export function generateLengthPrefixed(rng: Random, lengthSize: 1 | 2 | 4): Uint8Array {
  const w = new ByteWriter();
  const max = 2 ** (8 * lengthSize) - 1;
  for (const nal of generateNals(rng)) {
    const n = Math.min(nal.length, max);
    const length = rng.chance(0.05) ? rng.pick([n + 1, n - 1, 0, max]) : n;
    for (let i = lengthSize - 1; i >= 0; i--) w.u8(Math.floor(length / 256 ** i) & 0xff);
    w.bytes(nal.subarray(0, n));
  }
  return w.finish();
}

/** AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.2.4.1), the body of an FLV AVC sequence header. */
export function generateAvcConfig(rng: Random): Uint8Array {
  const sps = Array.from({ length: rng.chance(0.9) ? 1 : rng.int(0, 3) }, () => generateSps(rng));
  const pps = Array.from({ length: rng.chance(0.9) ? 1 : rng.int(0, 3) }, () => generatePps(rng));
  const w = new ByteWriter();
  const first = sps[0];
  w.u8(rng.chance(0.95) ? 1 : rng.u32() & 0xff);
  w.u8(first?.[1] ?? 100)
    .u8(first?.[2] ?? 0)
    .u8(first?.[3] ?? 31);
  w.u8(0xfc | (rng.chance(0.9) ? 3 : rng.below(4)));
  w.u8(0xe0 | (rng.chance(0.95) ? sps.length : rng.below(32)));
  for (const s of sps) w.u16(rng.chance(0.03) ? rng.pick([0, s.length + 1, 0xffff]) : s.length).bytes(s);
  if (rng.chance(0.97)) w.u8(rng.chance(0.95) ? pps.length : rng.u32() & 0xff);
  for (const p of pps) w.u16(p.length).bytes(p);
  if (rng.chance(0.1)) w.bytes(rng.bytes(rng.size(8)));
  return w.finish();
}
