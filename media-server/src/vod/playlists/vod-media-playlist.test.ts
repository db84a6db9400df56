import { decimal, renderMultivariantPlaylist } from '@glint/llhls-packager';
import type { VodRendition, VodSegment } from '@glint/platform';
import { seededRandom } from '@glint/testkit';
import * as HLS from 'hls-parser';
import { describe, expect, it } from 'vitest';
import { extinf, renderVodMediaPlaylist, VodMediaPlaylist } from './vod-media-playlist.ts';
import { vodMultivariantModel } from './vod-multivariant.ts';

const T0 = Date.UTC(2026, 10, 30, 20, 0, 0);
const INIT_A = 'vod/b1/video/init-0123456789abcdef.mp4';
const INIT_B = 'vod/b1/video/init-fedcba9876543210.mp4';

function segment(seq: number, fields: Partial<VodSegment> = {}): VodSegment {
  const durationUs = fields.durationUs ?? 1_000_000;
  return {
    broadcastId: 'b1',
    rendition: 'video',
    seq,
    msn: seq,
    startUs: seq * 1_000_000,
    durationUs,
    programDateTimeMs: T0 + seq * 1000,
    discontinuity: false,
    key: `vod/b1/video/${seq}.m4s`,
    initKey: INIT_A,
    bytes: 125_000,
    sha256: '0'.repeat(64),
    ok: true,
    ...fields,
  };
}

function parse(text: string): HLS.types.MediaPlaylist {
  HLS.setOptions({ strictMode: true });
  const parsed = HLS.parse(text);
  if (parsed.isMasterPlaylist) throw new Error('not a media playlist');
  return parsed as HLS.types.MediaPlaylist;
}

describe('VOD media playlist', () => {
  it('an ended broadcast: VOD, ENDLIST, one map, the wall clock at the start, EXTINF to 5 decimals (exact text)', () => {
    const text = renderVodMediaPlaylist(
      [
        segment(0, { durationUs: 1_033_333 }),
        segment(1, { durationUs: 966_667 }),
        segment(2, { durationUs: 2_000_000 }),
      ],
      true,
    );
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:6',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-MAP:URI="init-0123456789abcdef.mp4"',
        '#EXT-X-PROGRAM-DATE-TIME:2026-11-30T20:00:00.000Z',
        '#EXTINF:1.03333,',
        '0.m4s',
        '#EXTINF:0.96667,',
        '1.m4s',
        '#EXTINF:2.0,',
        '2.m4s',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
    const parsed = parse(text);
    expect(parsed.playlistType).toBe('VOD');
    expect(parsed.endlist).toBe(true);
    expect(parsed.segments.map((s) => s.uri)).toEqual(['0.m4s', '1.m4s', '2.m4s']);
  });

  it('while recording: EVENT, no ENDLIST; appending renders only what is new, same text as all at once', () => {
    const all = [0, 1, 2, 3, 4].map((seq) => segment(seq));
    const growing = new VodMediaPlaylist();
    growing.append(all.slice(0, 2));
    const early = growing.render(false);
    expect(early).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(early).not.toContain('#EXT-X-ENDLIST');
    expect(parse(early).segments).toHaveLength(2);
    growing.append(all.slice(1, 5)); // overlapping read: seq 1 again is ignored
    expect(growing.nextSeq).toBe(5);
    expect(growing.render(false)).toBe(renderVodMediaPlaylist(all, false));
    expect(growing.render(true)).toBe(renderVodMediaPlaylist(all, true));
  });

  it('a reconnect: DISCONTINUITY, the new init as EXT-X-MAP and the wall clock again; TARGETDURATION rounds up', () => {
    const text = renderVodMediaPlaylist(
      [
        segment(0),
        segment(1, { durationUs: 1_400_000 }),
        segment(2, { discontinuity: true, initKey: INIT_B, programDateTimeMs: T0 + 9000 }),
        segment(3, { initKey: INIT_B }),
      ],
      true,
    );
    expect(text).toContain(
      [
        '1.m4s',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-MAP:URI="init-fedcba9876543210.mp4"',
        '#EXT-X-PROGRAM-DATE-TIME:2026-11-30T20:00:09.000Z',
        '#EXTINF:1.0,',
        '2.m4s',
        '#EXTINF:1.0,',
        '3.m4s',
      ].join('\n'),
    );
    expect(text).toContain('#EXT-X-TARGETDURATION:2\n');
    const parsed = parse(text);
    expect(parsed.segments.map((s) => s.discontinuity === true)).toEqual([false, false, true, false]);
    expect(parsed.segments[2]?.map?.uri).toBe('init-fedcba9876543210.mp4');
    expect(parsed.segments[2]?.programDateTime?.getTime()).toBe(T0 + 9000);
  });

  it('a bad segment is left out with a DISCONTINUITY before the next; a seq missing from the index too', () => {
    const text = renderVodMediaPlaylist(
      [segment(0), segment(1, { ok: false }), segment(2), segment(3), segment(5)],
      true,
    );
    const parsed = parse(text);
    expect(parsed.segments.map((s) => s.uri)).toEqual(['0.m4s', '2.m4s', '3.m4s', '5.m4s']);
    expect(parsed.segments.map((s) => s.discontinuity === true)).toEqual([false, true, false, true]);
    // The wall clock is said again after each discontinuity.
    expect(parsed.segments[1]?.programDateTime?.getTime()).toBe(T0 + 2000);
    expect(parsed.segments[3]?.programDateTime?.getTime()).toBe(T0 + 5000);
  });

  it('leading bad segments: the first listed one opens the playlist without a DISCONTINUITY', () => {
    const text = renderVodMediaPlaylist([segment(0, { ok: false }), segment(1)], true);
    expect(text).not.toContain('DISCONTINUITY');
    expect(parse(text).segments.map((s) => s.uri)).toEqual(['1.m4s']);
  });

  it('a segment of 1.000004 s is written 1.0 and keeps the target at 1', () => {
    const text = renderVodMediaPlaylist([segment(0, { durationUs: 1_000_004 })], true);
    expect(text).toContain('#EXT-X-TARGETDURATION:1\n');
    expect(text).toContain('#EXTINF:1.0,\n');
  });

  it('measures peak and average segment bit rates', () => {
    const p = new VodMediaPlaylist();
    p.append([
      segment(0, { bytes: 100_000 }),
      segment(1, { bytes: 300_000, durationUs: 2_000_000 }),
      segment(2, { ok: false, bytes: 9e9 }),
    ]);
    expect(p.rates).toEqual({ peakBps: 1_200_000, averageBps: (400_000 * 8) / 3 });
    expect(p.durationUs).toBe(3_000_000);
  });
});

describe('VOD multivariant', () => {
  const renditions: VodRendition[] = [
    { broadcastId: 'b1', rendition: 'audio', kind: 'audio', codec: 'mp4a.40.2', channels: 2 },
    {
      broadcastId: 'b1',
      rendition: '480p',
      kind: 'video',
      codec: 'avc1.64001e',
      width: 854,
      height: 480,
      frameRate: 30,
    },
    {
      broadcastId: 'b1',
      rendition: 'video',
      kind: 'video',
      codec: 'avc1.64001f',
      width: 1280,
      height: 720,
      frameRate: 30,
    },
  ];
  const rates = new Map([
    ['video', { peakBps: 3_000_000, averageBps: 2_500_000 }],
    ['480p', { peakBps: 1_200_000, averageBps: 1_000_000 }],
    ['audio', { peakBps: 130_000, averageBps: 128_000 }],
  ]);

  it('lists the source then the rungs, sharing one audio group; bandwidths are video + audio measured rates', () => {
    const text = renderMultivariantPlaylist(vodMultivariantModel(renditions, (r) => rates.get(r)));
    HLS.setOptions({ strictMode: true });
    const parsed = HLS.parse(text) as HLS.types.MasterPlaylist;
    expect(parsed.isMasterPlaylist).toBe(true);
    expect(parsed.variants.map((v) => v.uri)).toEqual(['video/index.m3u8', '480p/index.m3u8']);
    expect(parsed.variants[0]).toMatchObject({
      bandwidth: 3_130_000,
      averageBandwidth: 2_628_000,
      codecs: 'avc1.64001f,mp4a.40.2',
      resolution: { width: 1280, height: 720 },
      frameRate: 30,
    });
    expect(parsed.variants[1]?.audio[0]).toMatchObject({ groupId: 'audio', uri: 'audio/index.m3u8', channels: '2' });
  });

  it('audio only: one variant, no group', () => {
    const model = vodMultivariantModel([renditions[0] as VodRendition], (r) => rates.get(r));
    expect(model.audio).toEqual([]);
    expect(model.variants).toEqual([
      { uri: 'audio/index.m3u8', bandwidth: 130_000, averageBandwidth: 128_000, codecs: ['mp4a.40.2'] },
    ]);
  });
});

describe('EXTINF formatting', () => {
  it('writes what the packager’s decimal() writes, from integers', () => {
    const random = seededRandom(7);
    const values = [0, 1, 10, 20, 100_000, 1_000_000, 1_033_333, 966_667, 21_333, 2_000_010, 59_999_990];
    for (let i = 0; i < 2000; i++) values.push(Math.floor(random() * 10_000_000));
    // Exact halves of 10 µs round by float in toFixed and by integer here: left out.
    for (const us of values.filter((v) => v % 10 !== 5)) expect(extinf(us), String(us)).toBe(decimal(us / 1_000_000));
  });
});
