/**
 * The MPEG-TS demuxer from hand-made packets: PAT, PMT, PES split over packets and chunks, 33-bit timestamps, and
 * every bad-input path (lost sync, a broken PES on one PID while the other goes on, an oversized PES).
 */
import { describe, expect, it } from 'vitest';
import { TsDemuxer, type TsEvent } from './demuxer.ts';
import { MpegTsError } from './errors.ts';

const counters = new Map<number, number>();

/** One 188-byte packet; short payloads are padded with adaptation-field stuffing, as muxers do. */
function packet(pid: number, pusi: boolean, payload: Uint8Array): Uint8Array {
  if (payload.length > 184) throw new Error('payload too long for one packet');
  const p = new Uint8Array(188).fill(0xff);
  const cc = counters.get(pid) ?? 0;
  counters.set(pid, (cc + 1) & 0x0f);
  p[0] = 0x47;
  p[1] = (pusi ? 0x40 : 0) | (pid >> 8);
  p[2] = pid & 0xff;
  const stuffing = 184 - payload.length;
  if (stuffing === 0) {
    p[3] = 0x10 | cc;
    p.set(payload, 4);
  } else {
    p[3] = 0x30 | cc;
    p[4] = stuffing - 1;
    if (stuffing > 1) p[5] = 0x00;
    p.set(payload, 4 + stuffing);
  }
  return p;
}

function section(tableId: number, body: number[]): Uint8Array {
  const length = body.length + 5 + 4; // after section_length: 5 header bytes, body, CRC (not checked)
  return Uint8Array.from([0, tableId, 0xb0 | (length >> 8), length & 0xff, 0, 1, 0xc1, 0, 0, ...body, 0, 0, 0, 0]);
}

const PAT = packet(0, true, section(0x00, [0, 1, 0xf0, 0x00])); // program 1 → PMT PID 0x1000
const PMT = packet(
  0x1000,
  true,
  section(0x02, [0xe1, 0x00, 0xf0, 0x00, 0x1b, 0xe1, 0x00, 0xf0, 0x00, 0x1b, 0xe1, 0x01, 0xf0, 0x00]),
);

function ts33(value: number, marker: number): number[] {
  const high = Math.floor(value / 2 ** 30) & 0x07;
  const low = value % 2 ** 30;
  return [
    (marker << 4) | (high << 1) | 1,
    (low >> 22) & 0xff,
    (((low >> 15) & 0x7f) << 1) | 1,
    (low >> 7) & 0xff,
    ((low & 0x7f) << 1) | 1,
  ];
}

/** A video PES: header with PTS and DTS, `bounded` writes PES_packet_length. */
function pes(pts: number, dts: number, payload: Uint8Array, bounded: boolean): Uint8Array {
  const header = [0x80, 0xc0, 10, ...ts33(pts, 3), ...ts33(dts, 1)];
  const length = bounded ? header.length + payload.length : 0;
  return Uint8Array.from([0, 0, 1, 0xe0, length >> 8, length & 0xff, ...header, ...payload]);
}

/** Splits a PES over as many packets as it needs. */
function packets(pid: number, data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += 184) out.push(packet(pid, at === 0, data.subarray(at, at + 184)));
  return out;
}

const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const filled = (n: number, byte: number) => new Uint8Array(n).fill(byte);
const pesEvents = (events: TsEvent[]) => events.filter((e) => e.kind === 'pes');

describe('TsDemuxer', () => {
  it('reads the PMT and reassembles PES of both streams, fed one byte at a time', () => {
    const a = filled(500, 0xaa);
    const b = filled(100, 0xbb);
    const bytes = concat([PAT, PMT, ...packets(0x100, pes(2 ** 33 - 3000, 2 ** 33 - 6000, a, false))]);
    const more = concat([...packets(0x101, pes(9000, 9000, b, true)), ...packets(0x100, pes(3000, 0, b, false))]);
    const d = new TsDemuxer();
    const events: TsEvent[] = [];
    for (const chunk of [bytes, more])
      for (let i = 0; i < chunk.length; i++) events.push(...d.push(chunk.subarray(i, i + 1)));
    events.push(...d.flush());
    expect(events[0]).toEqual({
      kind: 'streams',
      streams: [
        { pid: 0x100, streamType: 0x1b },
        { pid: 0x101, streamType: 0x1b },
      ],
    });
    const got = pesEvents(events).map((e) => e.kind === 'pes' && [e.pid, e.pts90k, e.dts90k, e.data.length, e.data[0]]);
    expect(got).toEqual([
      [0x101, 9000, 9000, 100, 0xbb], // bounded: out as soon as complete
      [0x100, 2 ** 33 - 3000, 2 ** 33 - 6000, 500, 0xaa], // unbounded: out when its PID's next PES starts
      [0x100, 3000, 0, 100, 0xbb], // the last one on flush
    ]);
  });

  it('throws LOST_SYNC on bytes that are not TS packets', () => {
    const d = new TsDemuxer();
    d.push(concat([PAT, PMT]));
    const garbage = filled(188, 0x42);
    expect(() => d.push(garbage)).toThrow(expect.objectContaining({ code: 'LOST_SYNC' }));
    expect(() => new TsDemuxer().push(garbage)).toThrow(MpegTsError);
  });

  it('drops a broken PES on one PID and goes on with it and the other', () => {
    const d = new TsDemuxer();
    const bad = packet(0x100, true, filled(184, 0x13)); // no PES start code
    const events = d.push(
      concat([
        PAT,
        PMT,
        bad,
        ...packets(0x101, pes(3000, 3000, filled(10, 1), true)),
        ...packets(0x100, pes(6000, 6000, filled(10, 2), true)),
      ]),
    );
    expect(events.filter((e) => e.kind === 'stream-error')).toEqual([
      { kind: 'stream-error', pid: 0x100, error: expect.objectContaining({ code: 'INVALID_PES' }) },
    ]);
    expect(pesEvents(events).map((e) => e.kind === 'pes' && [e.pid, e.pts90k])).toEqual([
      [0x101, 3000],
      [0x100, 6000],
    ]);
  });

  it('refuses a PES without PTS and one past the size bound, per stream', () => {
    const noPts = Uint8Array.from([0, 0, 1, 0xe0, 0, 0, 0x80, 0x00, 0, 1, 2, 3]);
    const d = new TsDemuxer({ maxPesBytes: 1000 });
    const events = d.push(
      concat([
        PAT,
        PMT,
        packet(0x100, true, noPts),
        ...packets(0x101, pes(0, 0, filled(2000, 7), false)),
        ...packets(0x100, pes(3000, 3000, filled(10, 2), true)),
      ]),
    );
    const codes = events.flatMap((e) => (e.kind === 'stream-error' ? [[e.pid, e.error.code]] : []));
    // The unbounded PES on 0x100 is judged when its PID's next PES starts.
    expect(codes).toEqual([
      [0x101, 'PES_TOO_LARGE'],
      [0x100, 'MISSING_PTS'],
    ]);
    expect(pesEvents(events)).toHaveLength(1);
  });

  it('refuses a PAT whose section does not fit', () => {
    const p = packet(0, true, Uint8Array.from([0, 0, 0xb3, 0xff]));
    expect(() => new TsDemuxer().push(p)).toThrow(expect.objectContaining({ code: 'INVALID_SECTION' }));
  });
});

describe('TsDemuxer with atomic PES (ffmpeg)', () => {
  it('completes an unbounded PES when another stream’s PES starts; a bounded one cut short is an error', () => {
    const d = new TsDemuxer({ atomicPes: true });
    const head = d.push(concat([PAT, PMT, ...packets(0x100, pes(3000, 3000, filled(400, 1), false))]));
    expect(pesEvents(head)).toEqual([]);
    const next = d.push(concat(packets(0x101, pes(3000, 3000, filled(10, 2), true))));
    expect(pesEvents(next).map((e) => e.kind === 'pes' && [e.pid, e.data.length])).toEqual([
      [0x100, 400],
      [0x101, 10],
    ]);
    const cut = pes(6000, 6000, filled(400, 3), true).subarray(0, 184);
    const events = d.push(concat([packet(0x100, true, cut), ...packets(0x101, pes(6000, 6000, filled(10, 4), true))]));
    expect(events.map((e) => e.kind === 'stream-error' && [e.pid, e.error.code])).toContainEqual([
      0x100,
      'INVALID_PES',
    ]);
    expect(pesEvents(events).map((e) => e.kind === 'pes' && e.pid)).toEqual([0x101]);
  });
});
