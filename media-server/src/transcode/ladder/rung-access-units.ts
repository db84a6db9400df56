import { codec, type H264Config, type VideoAccessUnit } from '@glint/media-core';
import { LadderError } from './errors.ts';

/** One rung's output access unit, with the decoder config it starts (first keyframe, or new parameter sets). */
export interface RungFrame {
  readonly config: H264Config | null;
  readonly au: VideoAccessUnit;
}

/** Same parameter sets, byte for byte. */
export function sameConfig(a: H264Config, b: H264Config): boolean {
  const same = (x: readonly Uint8Array[], y: readonly Uint8Array[]) =>
    x.length === y.length && x.every((n, i) => Buffer.compare(n, y[i]!) === 0);
  return same(a.sps, b.sps) && same(a.pps, b.pps);
}

/**
 * Turns one rung's PES payloads (ffmpeg's Annex B access units) into access units: it waits for the first keyframe,
 * reads the in-band SPS/PPS (x264 repeats them before every IDR) and drops the access unit delimiter. Throws
 * LadderError RUNG_FAILED on bytes that are not H.264 or a keyframe without parameter sets.
 */
export class RungAccessUnits {
  #config: H264Config | null = null;

  frame(annexB: Uint8Array, pts90k: number): RungFrame | null {
    let nals: Uint8Array[];
    try {
      nals = codec.splitAnnexB(annexB);
    } catch (error) {
      throw new LadderError('RUNG_FAILED', `rung output is not Annex B H.264: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const types = nals.map((n) => (n[0] ?? 0) & 0x1f);
    if (nals.length === 0 || types.some((t, i) => t === 0 || (nals[i]![0]! & 0x80) !== 0)) {
      throw new LadderError('RUNG_FAILED', 'rung output holds no valid NAL units');
    }
    const keyframe = types.includes(codec.NalType.IDR);
    let config: H264Config | null = null;
    if (keyframe) {
      const sps = nals.filter((_, i) => types[i] === codec.NalType.SPS);
      const pps = nals.filter((_, i) => types[i] === codec.NalType.PPS);
      if (sps.length > 0 && pps.length > 0) {
        for (const s of sps) codec.parseSps(s); // a CodecError here is a broken rung
        const next: H264Config = { codec: 'h264', sps: sps.map((s) => s.slice()), pps: pps.map((p) => p.slice()) };
        if (!this.#config || !sameConfig(this.#config, next)) config = next;
        this.#config = next;
      } else if (!this.#config) {
        throw new LadderError('RUNG_FAILED', 'rung keyframe without SPS/PPS');
      }
    }
    if (!this.#config) return null; // before the first keyframe
    const kept = nals.filter((_, i) => types[i] !== codec.NalType.AUD);
    let size = 0;
    for (const n of kept) size += 4 + n.length;
    const data = new Uint8Array(size);
    let at = 0;
    for (const n of kept) {
      data.set([0, 0, 0, 1], at);
      data.set(n, at + 4);
      at += 4 + n.length;
    }
    // No B-frames in a rung: decode order is presentation order, so DTS = PTS.
    return { config, au: { data, format: 'annexb', pts90k, dts90k: pts90k, keyframe } };
  }
}
