/** The H.264 packetizer and depacketizer on real x264 output (integration tier: starts ffmpeg). */
import { codec } from '@glint/media-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeH264AccessUnits, isIdr } from '../../../test/rtp-h264.ts';
import { H264Depacketizer } from './h264-depacketizer.ts';
import { packetizeH264, RtpSequencer } from './h264-packetizer.ts';
import { parseRtpPacket } from './packet.ts';

describe('H.264 RTP round trip on real x264 output', () => {
  let aus: Uint8Array[][];

  beforeAll(async () => {
    aus = await encodeH264AccessUnits(2);
  }, 30_000);

  function packetizeAll(config: { sps: Uint8Array[]; pps: Uint8Array[] } | undefined, strip: boolean) {
    const seq = new RtpSequencer({ ssrc: 42, payloadType: 102, initialSequence: 65000 });
    return aus.map((au, i) => {
      const nals = strip ? au.filter((n) => codec.nalType(n) !== 7 && codec.nalType(n) !== 8) : au;
      return seq.serialize(packetizeH264(nals, config ? { config } : {}), 0xffff_0000 + i * 3000);
    });
  }

  it('gives back the same NAL units, timestamps and keyframe flags, with FU-A for the big frames', () => {
    expect(aus).toHaveLength(60);
    const perAu = packetizeAll(undefined, false);
    const all = perAu.flat();
    const types = all.map((b) => parseRtpPacket(b).payload[0]! & 0x1f);
    expect(types).toContain(28);
    expect(all.every((b) => b.length <= 1200 + 12)).toBe(true);
    const d = new H264Depacketizer();
    const out = all.flatMap((b) => d.pushBytes(b).accessUnits);
    expect(out).toHaveLength(aus.length);
    expect(out.map((a) => a.nals.map((n) => Buffer.from(n).toString('hex')))).toEqual(
      aus.map((au) => au.map((n) => Buffer.from(n).toString('hex'))),
    );
    expect(out.map((a) => a.timestamp)).toEqual(aus.map((_, i) => (0xffff_0000 + i * 3000) >>> 0));
    expect(out.map((a) => a.keyframe)).toEqual(aus.map(isIdr));
    expect(out.filter((a) => a.keyframe)).toHaveLength(2);
    expect(out[0]!.sps).toHaveLength(1);
    // Annex B output splits back to the same units.
    expect(codec.splitAnnexB(out[5]!.data).length).toBe(aus[5]!.length);
  });

  it('sends SPS+PPS in a STAP-A before every IDR, from the config when the encoder left them out', () => {
    const first = aus[0]!;
    const config = {
      sps: first.filter((n) => codec.nalType(n) === 7),
      pps: first.filter((n) => codec.nalType(n) === 8),
    };
    const perAu = packetizeAll(config, true);
    for (const [i, packets] of perAu.entries()) {
      const firstPayload = parseRtpPacket(packets[0]!).payload;
      if (!isIdr(aus[i]!)) continue;
      expect(firstPayload[0]! & 0x1f).toBe(24);
      const d = new H264Depacketizer();
      const au = packets.flatMap((b) => d.pushBytes(b).accessUnits)[0]!;
      expect(au.nals.slice(0, 2).map((n) => codec.nalType(n))).toEqual([7, 8]);
    }
  });

  it('drops the access unit that lost an FU-A fragment and needs a keyframe until the next IDR', () => {
    const perAu = packetizeAll(undefined, false);
    // Lose the middle fragment of frame 3 (a P frame above the MTU).
    const victim = perAu.findIndex((p, i) => i > 0 && p.length >= 3);
    expect(isIdr(aus[victim]!)).toBe(false);
    const d = new H264Depacketizer();
    const out = [];
    const needs: boolean[] = [];
    for (const [i, packets] of perAu.entries()) {
      for (const [k, b] of packets.entries()) {
        if (i === victim && k === 1) continue;
        out.push(...d.pushBytes(b).accessUnits);
      }
      needs.push(d.needsKeyframe);
    }
    const nextIdr = aus.findIndex((au, i) => i > victim && isIdr(au));
    expect(out.map((a) => a.timestamp)).toEqual(
      aus.flatMap((_, i) => (i < victim || i >= nextIdr ? [(0xffff_0000 + i * 3000) >>> 0] : [])),
    );
    expect(needs.slice(victim, nextIdr).every(Boolean)).toBe(true);
    expect(needs.at(-1)).toBe(false);
    expect(d.lostPackets).toBe(1);
  });
});
