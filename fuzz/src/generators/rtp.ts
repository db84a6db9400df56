import { ByteWriter, concatBytes } from '../bytes.ts';
import { framePackets } from '../framing.ts';
import type { Random } from '../random.ts';
import { generateNals } from './h264.ts';

/** RFC 6184 payloads for one NAL list: single NAL units, STAP-A aggregates and FU-A fragments, with rule breaks. */
function payloadsOf(rng: Random, nals: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < nals.length) {
    const nal = nals[i]!;
    const mode = rng.below(10);
    if (mode < 3 && i + 1 < nals.length) {
      const w = new ByteWriter().u8(rng.chance(0.95) ? 24 : rng.pick([25, 26, 27, 29, 0, 30, 31]));
      const take = rng.int(2, Math.min(4, nals.length - i));
      for (const n of nals.slice(i, i + take)) {
        const size = rng.chance(0.05) ? rng.pick([0, n.length + 1, 0xffff]) : n.length;
        w.u16(size).bytes(n);
      }
      if (rng.chance(0.05)) w.u8(0);
      out.push(w.finish());
      i += take;
      continue;
    }
    if (mode < 6 && nal.length > 2) {
      const header = nal[0] ?? 0;
      const pieces = rng.int(2, 5);
      const body = nal.subarray(1);
      const step = Math.max(1, Math.ceil(body.length / pieces));
      for (let at = 0, k = 0; at < body.length; at += step, k++) {
        const start = at === 0;
        const end = at + step >= body.length;
        let fu = (start ? 0x80 : 0) | (end ? 0x40 : 0) | (header & 0x1f);
        if (rng.chance(0.03)) fu = rng.u32() & 0xff;
        const fragment = concatBytes([Uint8Array.of((header & 0xe0) | 28, fu), body.subarray(at, at + step)]);
        if (!rng.chance(0.03)) out.push(fragment);
        if (k > 64) break;
      }
      i++;
      continue;
    }
    out.push(nal);
    i++;
  }
  return out;
}

/** The fixed header (RFC 3550 5.1) with now and then CSRCs, an extension or padding, around one payload. */
function packet(rng: Random, seq: number, ts: number, marker: boolean, payload: Uint8Array): Uint8Array {
  const csrc = rng.chance(0.05) ? rng.int(1, 15) : 0;
  const ext = rng.chance(0.1);
  const pad = rng.chance(0.05) ? rng.int(1, 8) : 0;
  const version = rng.chance(0.98) ? 2 : rng.below(4);
  const w = new ByteWriter();
  w.u8((version << 6) | (pad ? 0x20 : 0) | (ext ? 0x10 : 0) | csrc);
  w.u8((marker ? 0x80 : 0) | (rng.chance(0.95) ? 96 : rng.below(128)));
  w.u16(seq & 0xffff)
    .u32(ts >>> 0)
    .u32(0x1234_5678);
  for (let i = 0; i < csrc; i++) w.u32(rng.u32());
  if (ext) {
    const words = rng.chance(0.9) ? rng.int(0, 3) : rng.pick([0xffff, 100]);
    w.u16(rng.pick([0xbede, 0x1000, 0])).u16(words);
    w.bytes(rng.bytes(4 * Math.min(words, 3)));
  }
  w.bytes(payload);
  if (pad) {
    w.bytes(new Uint8Array(pad - 1));
    w.u8(rng.chance(0.9) ? pad : rng.pick([0, 255, pad + 1]));
  }
  return w.finish();
}

/** A run of packets for a few access units: in order mostly, with gaps, duplicates, reordering and wraparound. */
export function generateRtpPackets(rng: Random): Uint8Array[] {
  let seq = rng.chance(0.8) ? rng.below(1000) : 0xffff - rng.below(5);
  let ts = rng.u32();
  const packets: Uint8Array[] = [];
  for (let au = rng.int(1, 5); au > 0; au--) {
    const payloads = payloadsOf(rng, generateNals(rng));
    if (rng.chance(0.03)) payloads.push(new Uint8Array(0));
    payloads.forEach((p, k) => {
      const marker = k === payloads.length - 1 ? rng.chance(0.9) : rng.chance(0.02);
      packets.push(packet(rng, seq, ts, marker, p));
      seq = (seq + (rng.chance(0.97) ? 1 : rng.pick([0, 2, 5, 0x8000, 0xffff]))) & 0xffff;
    });
    ts = (ts + (rng.chance(0.95) ? 3000 : rng.pick([0, 1, 0x80000000]))) >>> 0;
  }
  if (packets.length > 1 && rng.chance(0.05)) {
    const a = rng.below(packets.length);
    const b = rng.below(packets.length);
    [packets[a], packets[b]] = [packets[b]!, packets[a]!];
  }
  return packets;
}

export function generateRtp(rng: Random): Uint8Array {
  return framePackets(generateRtpPackets(rng));
}
