import { ByteWriter, concatBytes } from '../bytes.ts';
import type { Random } from '../random.ts';
import { generateAsc } from './aac.ts';
import { writeAmf0Value } from './amf0.ts';
import { generateAvcConfig, generateLengthPrefixed } from './h264.ts';

const FOURCCS = ['avc1', 'avc1', 'avc1', 'hvc1', 'av01', 'vp09', 'mp4a', 'Opus', 'xxxx'];

function fourcc(rng: Random): Uint8Array {
  return new TextEncoder().encode(rng.pick(FOURCCS));
}

function si24(w: ByteWriter, v: number): void {
  w.u24(v & 0xffffff);
}

/** An FLV video tag body (FLV 10.1 E.4.3, and Enhanced RTMP's ExVideoTagHeader). */
export function generateVideoBody(rng: Random, lengthSize: 1 | 2 | 4): Uint8Array {
  const w = new ByteWriter();
  if (rng.chance(0.15)) {
    const packetType = rng.chance(0.9) ? rng.pick([0, 1, 1, 3, 2, 4]) : rng.below(16);
    const frameType = rng.pick([1, 2, 5, 0, 7]);
    w.u8(0x80 | (frameType << 4) | packetType).bytes(fourcc(rng));
    if (packetType === 0) w.bytes(generateAvcConfig(rng));
    else if (packetType === 1) {
      si24(w, rng.int(-100, 200));
      w.bytes(generateLengthPrefixed(rng, 4));
    } else if (packetType === 3) w.bytes(generateLengthPrefixed(rng, 4));
    else w.bytes(rng.bytes(rng.size(16)));
    return w.finish();
  }
  const frameType = rng.pick([1, 1, 2, 2, 3, 5, 0]);
  const codec = rng.chance(0.95) ? 7 : rng.below(16);
  const packetType = rng.chance(0.95) ? rng.pick([0, 1, 1, 1, 2]) : rng.below(256);
  w.u8((frameType << 4) | codec).u8(packetType);
  si24(w, rng.chance(0.9) ? rng.int(0, 200) : rng.pick([-1, 0x7fffff, -0x800000]));
  if (packetType === 0) w.bytes(generateAvcConfig(rng));
  else if (packetType === 1) w.bytes(generateLengthPrefixed(rng, lengthSize));
  const out = w.finish();
  return rng.chance(0.05) ? out.subarray(0, rng.below(out.length + 1)) : out;
}

/** An FLV audio tag body: AAC (sequence header or raw), another codec, or an Enhanced RTMP ExAudioTagHeader. */
export function generateAudioBody(rng: Random): Uint8Array {
  const w = new ByteWriter();
  if (rng.chance(0.1)) {
    w.u8(0x90 | (rng.chance(0.9) ? rng.pick([0, 1, 2]) : rng.below(16))).bytes(fourcc(rng));
    w.bytes(rng.chance(0.5) ? generateAsc(rng) : rng.bytes(rng.size(64)));
    return w.finish();
  }
  const format = rng.chance(0.9) ? 10 : rng.below(16);
  w.u8((format << 4) | 0x0f);
  const packetType = rng.chance(0.95) ? rng.pick([0, 1, 1, 1]) : rng.below(256);
  if (rng.chance(0.97)) w.u8(packetType);
  w.bytes(packetType === 0 ? generateAsc(rng) : rng.bytes(rng.size(300)));
  return w.finish();
}

/** onMetaData as OBS or ffmpeg sends it, or any AMF0 values. */
export function generateScriptBody(rng: Random): Uint8Array {
  const w = new ByteWriter();
  if (rng.chance(0.3)) w.u8(0x02).u16(13).bytes(new TextEncoder().encode('@setDataFrame'));
  if (rng.chance(0.8)) w.u8(0x02).u16(10).bytes(new TextEncoder().encode('onMetaData'));
  for (let i = rng.int(0, 3); i > 0; i--) writeAmf0Value(rng, w, 3);
  return w.finish();
}

export interface GeneratedTag {
  readonly type: number;
  readonly timestampMs: number;
  readonly body: Uint8Array;
}

/** Tags in publishing order: metadata, sequence headers, then frames; sometimes shuffled or repeated. */
export function generateTags(rng: Random): GeneratedTag[] {
  const lengthSize = rng.chance(0.8) ? 4 : rng.pick([1, 2] as const);
  const tags: GeneratedTag[] = [];
  let ts = rng.chance(0.9) ? 0 : rng.u32();
  if (rng.chance(0.7)) tags.push({ type: 18, timestampMs: 0, body: generateScriptBody(rng) });
  if (rng.chance(0.8)) {
    const config = generateAvcConfig(rng);
    const body = concatBytes([Uint8Array.of(0x17, 0, 0, 0, 0), config]);
    if (lengthSize !== 4) body[5 + 4] = 0xfc | (lengthSize - 1);
    tags.push({ type: 9, timestampMs: ts, body });
  }
  if (rng.chance(0.7))
    tags.push({ type: 8, timestampMs: ts, body: concatBytes([Uint8Array.of(0xaf, 0), generateAsc(rng)]) });
  for (let i = rng.int(0, 8); i > 0; i--) {
    ts = (ts + rng.pick([0, 1, 21, 23, 33, 0x7fffffff])) >>> 0;
    const kind = rng.below(10);
    if (kind < 5) tags.push({ type: 9, timestampMs: ts, body: generateVideoBody(rng, lengthSize) });
    else if (kind < 9) tags.push({ type: 8, timestampMs: ts, body: generateAudioBody(rng) });
    else tags.push({ type: rng.pick([18, 0, 7, 0x28, 31]), timestampMs: ts, body: rng.bytes(rng.size(32)) });
  }
  return tags;
}

/** An FLV file: header (mostly valid), PreviousTagSize0, then tags with their back pointers. */
export function generateFlv(rng: Random): Uint8Array {
  const w = new ByteWriter();
  w.bytes(rng.chance(0.97) ? Uint8Array.of(0x46, 0x4c, 0x56) : rng.bytes(3));
  w.u8(1).u8(rng.pick([5, 1, 4, 0, 0xff]));
  const dataOffset = rng.chance(0.9) ? 9 : rng.pick([0, 8, 10, 100, 0xffffffff]);
  w.u32(dataOffset);
  if (dataOffset > 9 && dataOffset < 200) w.bytes(new Uint8Array(dataOffset - 9));
  w.u32(0);
  for (const tag of generateTags(rng)) {
    const encrypted = rng.chance(0.02) ? 0x20 : 0;
    const size = rng.chance(0.03) ? rng.pick([0, tag.body.length + 1, 0xffffff]) : tag.body.length;
    w.u8(tag.type | encrypted).u24(size);
    w.u24(tag.timestampMs & 0xffffff)
      .u8(tag.timestampMs >>> 24)
      .u24(0);
    w.bytes(tag.body).u32(11 + tag.body.length);
  }
  return w.finish();
}
