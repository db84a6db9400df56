import { ByteWriter } from '../bytes.ts';
import type { Random } from '../random.ts';

const NAMES = ['connect', 'publish', 'createStream', 'onMetaData', '@setDataFrame', 'app', 'tcUrl', '', '__proto__'];
const NUMBERS = [0, -0, 1, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 31), 1e308, 5e-324];

function utf8ish(rng: Random): Uint8Array {
  if (rng.chance(0.5)) return new TextEncoder().encode(rng.pick(NAMES));
  // Invalid UTF-8 and lone surrogates are data too: a decoder must replace, not throw.
  const n = rng.size(40);
  const out = rng.bytes(n);
  if (rng.chance(0.3) && n > 2) out.set([0xed, 0xa0, 0x80].slice(0, n), 0);
  return out;
}

function writeString(rng: Random, w: ByteWriter, lie: boolean): void {
  const s = utf8ish(rng);
  w.u16(lie ? rng.pick([s.length + 1, s.length + 100, 0xffff, 0]) : s.length).bytes(s);
}

/** One AMF0 value with markers from the whole table, nesting to about `depth`, and now and then a lying count. */
export function writeAmf0Value(rng: Random, w: ByteWriter, depth: number): void {
  const lie = rng.chance(0.05);
  const marker = depth <= 0 ? rng.pick([0x00, 0x01, 0x02, 0x05, 0x06]) : rng.pick(MARKERS);
  w.u8(marker);
  switch (marker) {
    case 0x00:
      w.f64(rng.chance(0.5) ? rng.pick(NUMBERS) : rng.u32() / rng.int(1, 1000));
      return;
    case 0x01:
      w.u8(rng.pick([0, 1, 0xff]));
      return;
    case 0x02:
      writeString(rng, w, lie);
      return;
    case 0x0c:
    case 0x0f: {
      const s = utf8ish(rng);
      w.u32(lie ? rng.pick([0xffffffff, 0x7fffffff, s.length + 1]) : s.length).bytes(s);
      return;
    }
    case 0x03:
    case 0x08: {
      const n = rng.size(6);
      if (marker === 0x08) w.u32(lie ? rng.pick([0xffffffff, 0]) : n);
      for (let i = 0; i < n; i++) {
        writeString(rng, w, false);
        writeAmf0Value(rng, w, depth - 1);
      }
      if (!lie) w.u16(0).u8(0x09);
      return;
    }
    case 0x0a: {
      const n = rng.size(6);
      w.u32(lie ? rng.pick([0xffffffff, 0x7fffffff, n + 1]) : n);
      for (let i = 0; i < n; i++) writeAmf0Value(rng, w, depth - 1);
      return;
    }
    case 0x0b:
      w.f64(rng.chance(0.5) ? rng.pick(NUMBERS) : rng.u32() * 1000).u16(rng.u32() & 0xffff);
      return;
    case 0x05:
    case 0x06:
      return;
    default:
      // Markers we do not decode (MovieClip, Reference, Unsupported, RecordSet, TypedObject, AMF3 switch, unknown).
      w.bytes(rng.bytes(rng.size(8)));
  }
}

const MARKERS = [
  0x00, 0x00, 0x01, 0x02, 0x02, 0x02, 0x03, 0x03, 0x05, 0x06, 0x08, 0x0a, 0x0b, 0x0c, 0x0f, 0x04, 0x07, 0x09, 0x0d,
  0x0e, 0x10, 0x11, 0x42,
];

/** A command or data body: usually name, transaction id, object, arguments; sometimes any values, or very deep. */
export function generateAmf0(rng: Random): Uint8Array {
  const w = new ByteWriter();
  if (rng.chance(0.05)) {
    // Nesting past the decoder's depth limit: objects or strict arrays inside each other.
    const depth = rng.int(20, 200);
    for (let i = 0; i < depth; i++) {
      if (rng.chance(0.5)) w.u8(0x0a).u32(1);
      else w.u8(0x03).u16(1).u8(0x61);
    }
    w.u8(0x05);
    return w.finish();
  }
  if (rng.chance(0.7)) {
    w.u8(0x02);
    writeString(rng, w, false);
    w.u8(0x00).f64(rng.int(0, 10));
  }
  const n = rng.size(5);
  for (let i = 0; i < n; i++) writeAmf0Value(rng, w, rng.int(0, 4));
  return w.finish();
}
