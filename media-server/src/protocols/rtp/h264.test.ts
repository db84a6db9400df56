import { codec } from '@glint/media-core';
import { describe, expect, it } from 'vitest';
import { H264Depacketizer } from './h264-depacketizer.ts';
import { packetizeH264, RtpSequencer } from './h264-packetizer.ts';
import { parseRtpPacket, serializeRtpPacket } from './packet.ts';

const SPS = Uint8Array.of(0x67, 0x42, 0xc0, 0x1f, 0xda);
const PPS = Uint8Array.of(0x68, 0xce, 0x3c, 0x80);
const IDR = Uint8Array.of(0x65, 1, 2, 3, 4, 5, 6);
const AUD = Uint8Array.of(0x09, 0xf0);

function rtp(payload: Uint8Array, seq: number, timestamp: number, marker: boolean): Buffer {
  return serializeRtpPacket({ marker, payloadType: 102, sequenceNumber: seq, timestamp, ssrc: 1 }, payload);
}

describe('H.264 packetizer (RFC 6184 mode 1)', () => {
  it('aggregates SPS, PPS and a small IDR into one STAP-A with the marker', () => {
    const out = packetizeH264([AUD, SPS, PPS, IDR]);
    expect(out).toHaveLength(1);
    expect(out[0]!.marker).toBe(true);
    // NRI = max of the units (0x60), type 24; each unit has a 16-bit size.
    expect([...out[0]!.payload]).toEqual([0x78, 0, 5, ...SPS, 0, 4, ...PPS, 0, 7, ...IDR]);
  });

  it('puts the configured SPS/PPS before an IDR that lacks them, never before other frames', () => {
    const config = { sps: [SPS], pps: [PPS] };
    expect([...packetizeH264([IDR], { config })[0]!.payload]).toEqual([0x78, 0, 5, ...SPS, 0, 4, ...PPS, 0, 7, ...IDR]);
    const p = Uint8Array.of(0x41, 9, 9);
    expect(packetizeH264([p], { config }).map((x) => [...x.payload])).toEqual([[...p]]);
  });

  it('fragments a NAL unit above the limit into FU-A with S and E bits', () => {
    const out = packetizeH264([IDR], { maxPayloadBytes: 5 });
    // Indicator: F/NRI of the NAL (0x60) | 28; FU header: S/E bits | type 5. The NAL header byte is not repeated.
    expect(out.map((x) => [...x.payload])).toEqual([
      [0x7c, 0x85, 1, 2, 3],
      [0x7c, 0x45, 4, 5, 6],
    ]);
    expect(out.map((x) => x.marker)).toEqual([false, true]);
  });

  it('sends a lone small NAL unit as a single NAL unit packet, and rejects a limit too small for FU-A', () => {
    expect([...packetizeH264([IDR])[0]!.payload]).toEqual([...IDR]);
    expect(() => packetizeH264([IDR], { maxPayloadBytes: 2 })).toThrow(/maxPayloadBytes/);
  });

  it('sequences, timestamps (mod 2^32) and serializes', () => {
    const seq = new RtpSequencer({ ssrc: 0xcafe, payloadType: 102, initialSequence: 65535 });
    const packets = seq.serialize(packetizeH264([IDR], { maxPayloadBytes: 5 }), 0x1_0000_0010);
    const headers = packets.map((b) => parseRtpPacket(b).header);
    expect(headers.map((h) => h.sequenceNumber)).toEqual([65535, 0]);
    expect(headers.map((h) => h.timestamp)).toEqual([0x10, 0x10]);
    expect(headers.map((h) => h.marker)).toEqual([false, true]);
    expect(headers.every((h) => h.ssrc === 0xcafe && h.payloadType === 102)).toBe(true);
  });
});

describe('H.264 depacketizer: invalid payloads give typed errors and drop only their access unit', () => {
  function feed(d: H264Depacketizer, payloads: [Uint8Array, number, number, boolean][]) {
    const aus = [];
    const errors = [];
    for (const [payload, seq, ts, marker] of payloads) {
      const r = d.pushBytes(rtp(payload, seq, ts, marker));
      aus.push(...r.accessUnits);
      errors.push(...r.errors);
    }
    return { aus, errors };
  }
  const stap = Uint8Array.of(0x78, 0, 5, ...SPS, 0, 4, ...PPS, 0, 7, ...IDR);

  it.each([
    [
      'truncated FU-A (start, then a single NAL)',
      [Uint8Array.of(0x7c, 0x85, 1), Uint8Array.of(0x41, 1)],
      'TRUNCATED_FU_A',
    ],
    ['FU-A shorter than 3 bytes', [Uint8Array.of(0x7c, 0x85)], 'TRUNCATED_FU_A'],
    ['FU-A continuation without a start', [Uint8Array.of(0x7c, 0x45, 1)], 'FU_A_OUT_OF_ORDER'],
    ['STAP-A length overrun', [Uint8Array.of(0x78, 0, 9, 0x67, 1)], 'STAP_A_OVERRUN'],
    ['STAP-A cut in a size field', [Uint8Array.of(0x78, 0, 2, 0x67, 1, 0)], 'STAP_A_OVERRUN'],
    ['NAL type 30', [Uint8Array.of(0x7e, 1)], 'INVALID_NAL_TYPE'],
    ['NAL type 31', [Uint8Array.of(0x7f, 1)], 'INVALID_NAL_TYPE'],
    ['NAL type 0', [Uint8Array.of(0x00, 1)], 'INVALID_NAL_TYPE'],
    ['FU-B (interleaved mode)', [Uint8Array.of(0x7d, 0x85, 0, 0, 1)], 'UNSUPPORTED_NAL_TYPE'],
    ['empty payload', [new Uint8Array(0)], 'EMPTY_PAYLOAD'],
  ] as const)('%s', (_name, bad, code) => {
    const d = new H264Depacketizer();
    const first = feed(d, [[stap, 1, 3000, true]]);
    expect(first.aus).toHaveLength(1);
    const broken = feed(
      d,
      bad.map((p, i) => [p, 2 + i, 6000, i === bad.length - 1] as [Uint8Array, number, number, boolean]),
    );
    expect(broken.aus).toHaveLength(0);
    expect(broken.errors[0]).toMatchObject({ name: 'RtpError', code });
    expect(d.needsKeyframe).toBe(true);
    // The next IDR access unit comes out whole.
    const next = feed(d, [[stap, 2 + bad.length, 9000, true]]);
    expect(next.errors).toEqual([]);
    expect(next.aus.map((a) => a.keyframe)).toEqual([true]);
    expect(d.needsKeyframe).toBe(false);
  });

  it('reports an unparseable RTP packet as an error, not an exception', () => {
    const r = new H264Depacketizer().pushBytes(Uint8Array.of(1, 2, 3));
    expect(r.errors[0]).toMatchObject({ code: 'TRUNCATED_PACKET' });
  });

  it('ends an access unit on a timestamp change without a marker, and ignores duplicates', () => {
    const d = new H264Depacketizer({ format: 'avcc' });
    const a = feed(d, [
      [stap, 10, 100, false],
      [stap, 10, 100, false],
      [Uint8Array.of(0x41, 7), 11, 200, true],
    ]);
    expect(a.aus.map((x) => [x.timestamp, x.keyframe, x.nals.length])).toEqual([
      [100, true, 3],
      [200, false, 1],
    ]);
    expect([...a.aus[1]!.data]).toEqual([0, 0, 0, 2, 0x41, 7]);
    expect(a.aus[0]!.sps.map((s) => [...s])).toEqual([[...SPS]]);
  });
});

describe('H.264 depacketizer: bounded access units (a publisher cannot grow them)', () => {
  const stap = Uint8Array.of(0x78, 0, 5, ...SPS, 0, 4, ...PPS, 0, 7, ...IDR);
  const fu = (startEnd: number, data: Uint8Array) => Uint8Array.of(0x7c, startEnd | 5, ...data);

  /** Feeds packets of one timestamp from `seq` on; returns what came out. */
  function feedRun(d: H264Depacketizer, seq: number, ts: number, payloads: Uint8Array[], marker = false) {
    const aus = [];
    const errors = [];
    for (const [i, p] of payloads.entries()) {
      const r = d.pushBytes(rtp(p, seq + i, ts, marker && i === payloads.length - 1));
      aus.push(...r.accessUnits);
      errors.push(...r.errors);
    }
    return { aus, errors, next: seq + payloads.length };
  }

  function expectRecovery(d: H264Depacketizer, seq: number) {
    expect(d.needsKeyframe).toBe(true);
    const after = feedRun(d, seq, 9000, [stap], true);
    expect(after.errors).toEqual([]);
    expect(after.aus.map((a) => [a.timestamp, a.keyframe])).toEqual([[9000, true]]);
    expect(d.needsKeyframe).toBe(false);
  }

  it('drops an access unit of more than 1,024 NAL units (no marker, one timestamp) and skips the rest of it', () => {
    const d = new H264Depacketizer({ format: 'avcc' });
    const first = feedRun(d, 1, 3000, [stap], true);
    expect(first.aus).toHaveLength(1);
    const slices = Array.from({ length: 5000 }, () => Uint8Array.of(0x41, 1));
    const flood = feedRun(d, first.next, 6000, slices);
    expect(flood.aus).toEqual([]);
    // One error, at the 1,025th unit; the 3,975 packets after it are skipped unread.
    expect(flood.errors.map((e) => `${e.code}: ${e.message}`)).toEqual([
      'TOO_MANY_NALS: access unit holds more than 1024 NAL units',
    ]);
    expectRecovery(d, flood.next);
    expect(d.droppedAccessUnits).toBe(1);
  });

  it('counts the units of a STAP-A, and takes exactly the limit', () => {
    const d = new H264Depacketizer({ maxNalsPerAccessUnit: 3 });
    expect(feedRun(d, 1, 3000, [stap], true).aus).toHaveLength(1);
    const r = feedRun(d, 2, 6000, [Uint8Array.of(0x41, 1), stap], true);
    expect(r.errors.map((e) => e.code)).toEqual(['TOO_MANY_NALS']);
    expectRecovery(d, r.next);
  });

  it('drops an FU-A NAL unit that grows past 4 MiB (the default limit) and asks for a keyframe', () => {
    const d = new H264Depacketizer({ format: 'avcc' });
    feedRun(d, 1, 3000, [stap], true);
    const chunk = new Uint8Array(1200).fill(0xab);
    const fragments = [fu(0x80, chunk), ...Array.from({ length: 4000 }, () => fu(0, chunk))];
    const r = feedRun(d, 2, 6000, fragments);
    expect(r.aus).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ name: 'RtpError', code: 'ACCESS_UNIT_TOO_LARGE' });
    expect(r.errors[0]!.message).toMatch(/past the 4194304-byte limit/);
    // The end fragment of the dropped unit is skipped too: no FU_A_OUT_OF_ORDER for it.
    const end = feedRun(d, r.next, 6000, [fu(0x40, chunk)], true);
    expect(end.errors).toEqual([]);
    expect(end.aus).toEqual([]);
    expectRecovery(d, end.next);
  });

  it('counts prefixes and FU-A bytes against maxAccessUnitBytes exactly', () => {
    // SPS (5) + PPS (4) + IDR (7) with 4-byte prefixes: 28 bytes.
    const exact = new H264Depacketizer({ format: 'avcc', maxAccessUnitBytes: 28 });
    expect(feedRun(exact, 1, 3000, [stap], true).aus.map((a) => a.data.length)).toEqual([28]);
    const tight = new H264Depacketizer({ format: 'avcc', maxAccessUnitBytes: 27 });
    expect(feedRun(tight, 1, 3000, [stap], true).errors.map((e) => e.code)).toEqual(['ACCESS_UNIT_TOO_LARGE']);
    // An FU-A unit of 1 + 3 × 2 bytes and its prefix: 11 bytes.
    const frags = [fu(0x80, Uint8Array.of(1, 2)), fu(0, Uint8Array.of(3, 4)), fu(0x40, Uint8Array.of(5, 6))];
    const d = new H264Depacketizer({ format: 'avcc', maxAccessUnitBytes: 11 });
    const ok = feedRun(d, 1, 3000, frags, true);
    expect(ok.aus.map((a) => [...a.data])).toEqual([[0, 0, 0, 7, 0x65, 1, 2, 3, 4, 5, 6]]);
    const small = new H264Depacketizer({ format: 'annexb', maxAccessUnitBytes: 10 });
    expect(feedRun(small, 1, 3000, frags, true).errors.map((e) => e.code)).toEqual(['ACCESS_UNIT_TOO_LARGE']);
  });

  it('rebuilds an FU-A unit and single units in Annex B', () => {
    const d = new H264Depacketizer({ format: 'annexb' });
    const r = feedRun(d, 1, 3000, [stap, fu(0x80, Uint8Array.of(1)), fu(0x40, Uint8Array.of(2))], true);
    expect(r.aus.map((a) => [...a.data])).toEqual([
      [0, 0, 0, 1, ...SPS, 0, 0, 0, 1, ...PPS, 0, 0, 0, 1, ...IDR, 0, 0, 0, 1, 0x65, 1, 2],
    ]);
    expect(r.aus[0]!.nals.map((n) => [...n])).toEqual([[...SPS], [...PPS], [...IDR], [0x65, 1, 2]]);
    expect(codec.splitAnnexB(r.aus[0]!.data)).toHaveLength(4);
  });
});
