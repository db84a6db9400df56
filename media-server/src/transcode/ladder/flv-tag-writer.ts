import type { H264Config } from '@glint/media-core';

/**
 * A minimal FLV writer for feeding ffmpeg: the file header and H.264 video tags (FLV 10.1, E.2-E.4). FLV carries
 * the timestamps ffmpeg reads (ms), which is why the ladder feeds FLV rather than a raw Annex B stream.
 */

/** FLV header (video only) and PreviousTagSize0. */
export function flvFileHeader(): Uint8Array {
  return Uint8Array.of(0x46, 0x4c, 0x56, 1, 0x01, 0, 0, 0, 9, 0, 0, 0, 0);
}

/** One tag with its PreviousTagSize; `timestampMs` is the DTS, 32 bits (24 plus the extension byte). */
export function flvTag(type: 8 | 9 | 18, timestampMs: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(11 + body.length + 4);
  const view = new DataView(out.buffer);
  const ts = timestampMs >>> 0;
  view.setUint32(0, body.length); // the first byte is overwritten by the type: the size is 24 bits
  out[0] = type;
  out[4] = (ts >> 16) & 0xff;
  out[5] = (ts >> 8) & 0xff;
  out[6] = ts & 0xff;
  out[7] = (ts >>> 24) & 0xff;
  out.set(body, 11);
  view.setUint32(11 + body.length, 11 + body.length);
  return out;
}

/** The AVC sequence header tag body: an AVCDecoderConfigurationRecord with 4-byte NAL lengths. */
export function avcSequenceHeader(config: H264Config): Uint8Array {
  const sps = config.sps[0];
  if (!sps || sps.length < 4) throw new Error('an AVC sequence header needs an SPS');
  let size = 5 + 6 + 1;
  for (const s of config.sps) size += 2 + s.length;
  for (const p of config.pps) size += 2 + p.length;
  const out = new Uint8Array(size);
  out.set([0x17, 0, 0, 0, 0, 1, sps[1]!, sps[2]!, sps[3]!, 0xff, 0xe0 | (config.sps.length & 0x1f)]);
  let at = 11;
  const put = (nal: Uint8Array) => {
    out[at] = nal.length >> 8;
    out[at + 1] = nal.length & 0xff;
    out.set(nal, at + 2);
    at += 2 + nal.length;
  };
  for (const s of config.sps) put(s);
  out[at++] = config.pps.length & 0xff;
  for (const p of config.pps) put(p);
  return out;
}

/** An AVC NALU tag body: 4-byte length-prefixed NAL units, composition time (PTS - DTS) in ms. */
export function avcFrame(keyframe: boolean, compositionMs: number, avcc: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + avcc.length);
  const cts = compositionMs & 0xffffff; // SI24
  out.set([keyframe ? 0x17 : 0x27, 1, (cts >> 16) & 0xff, (cts >> 8) & 0xff, cts & 0xff]);
  out.set(avcc, 5);
  return out;
}
