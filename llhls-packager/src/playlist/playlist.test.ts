import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as HLS from 'hls-parser';
import { describe, expect, it } from 'vitest';
import { renderMediaPlaylist, skippableSegments } from './media.ts';
import type { MediaPlaylistModel, SegmentModel } from './model.ts';
import { renderMultivariantPlaylist } from './multivariant.ts';

const vectors = join(import.meta.dirname, '../../test/vectors');
/** Compares with a checked-in vector; `UPDATE_GOLDEN=1` rewrites it (review the diff before committing). */
function expectGolden(text: string, name: string): void {
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(join(vectors, name), text);
  expect(text).toBe(readFileSync(join(vectors, name), 'utf8'));
}
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
/** Media URIs live in the broadcast's folder, as the packager writes them (see `newBroadcastId`). */
const B = 'mww2n400c0ffee11';

function segment(msn: number, extra: Partial<SegmentModel> = {}): SegmentModel {
  return {
    msn,
    uri: `${B}/s${msn}.m4s`,
    durationSec: 1,
    programDateTimeMs: T0 + msn * 1000,
    discontinuity: false,
    mapUri: `${B}/init0.mp4`,
    parts: [0, 1, 2, 3, 4].map((i) => ({ uri: `${B}/p${msn * 5 + i}.m4s`, durationSec: 0.2, independent: i === 0 })),
    ...extra,
  };
}

function model(count: number, extra: Partial<MediaPlaylistModel> = {}): MediaPlaylistModel {
  return {
    targetDurationSec: 1,
    partTargetSec: 0.2,
    partHoldBackSec: 0.6,
    canSkipUntilSec: 6,
    mediaSequence: 0,
    discontinuitySequence: 0,
    segments: Array.from({ length: count }, (_, i) => segment(i)),
    current: {
      msn: count,
      programDateTimeMs: T0 + count * 1000,
      discontinuity: false,
      mapUri: `${B}/init0.mp4`,
      parts: [
        { uri: `${B}/p${count * 5}.m4s`, durationSec: 0.2, independent: true },
        { uri: `${B}/p${count * 5 + 1}.m4s`, durationSec: 0.2, independent: false },
      ],
    },
    preloadHintUri: `${B}/p${count * 5 + 2}.m4s`,
    partsForLastSegments: 2,
    renditionReports: [{ uri: '../audio/index.m3u8', lastMsn: count, lastPart: 1 }],
    ended: false,
    ...extra,
  };
}

function parseMedia(text: string): HLS.types.MediaPlaylist {
  HLS.setOptions({ strictMode: true });
  const parsed = HLS.parse(text);
  if (parsed.isMasterPlaylist) throw new Error('expected a media playlist');
  return parsed as HLS.types.MediaPlaylist;
}

describe('media playlist', () => {
  it('renders the LL-HLS tags exactly (golden)', () => {
    expectGolden(renderMediaPlaylist(model(4)), 'media-live.m3u8');
  });

  it('is read by hls-parser with parts, hint, server control and rendition report', () => {
    const parsed = parseMedia(renderMediaPlaylist(model(4)));
    expect(parsed.version).toBe(9);
    expect(parsed.targetDuration).toBe(1);
    expect(parsed.partTargetDuration).toBe(0.2);
    expect(parsed.lowLatencyCompatibility).toMatchObject({ canBlockReload: true, canSkipUntil: 6, partHoldBack: 0.6 });
    const complete = parsed.segments.filter((s) => s.uri);
    expect(complete.map((s) => s.uri)).toEqual([0, 1, 2, 3].map((i) => `${B}/s${i}.m4s`));
    // Only segments within three target durations of the end keep their parts.
    expect(complete.map((s) => s.parts.length)).toEqual([0, 0, 5, 5]);
    expect(complete.every((s) => s.programDateTime instanceof Date)).toBe(true);
    const allParts = parsed.segments.flatMap((s) => s.parts);
    const hint = allParts.find((p) => p.hint);
    expect(hint?.uri).toBe(`${B}/p22.m4s`);
    expect(parsed.renditionReports[0]).toMatchObject({ uri: '../audio/index.m3u8', lastMSN: 4, lastPart: 1 });
    expect(parsed.endlist).toBe(false);
  });

  it('skips the segments older than CAN-SKIP-UNTIL in a delta update', () => {
    const m = model(10);
    expect(skippableSegments(m)).toBe(4);
    const text = renderMediaPlaylist(m, 'YES');
    expectGolden(text, 'media-skip.m3u8');
    const parsed = parseMedia(text);
    expect(parsed.skip).toBe(4);
    expect(parsed.segments.filter((s) => s.uri)[0]?.mediaSequenceNumber).toBe(4);
    expect(renderMediaPlaylist(m, 'v2')).toContain('#EXT-X-SKIP:SKIPPED-SEGMENTS=4,RECENTLY-REMOVED-DATERANGES=""\n');
  });

  it('skips nothing when the playlist is shorter than the skip boundary', () => {
    expect(renderMediaPlaylist(model(5), 'YES')).not.toContain('EXT-X-SKIP');
  });

  it('ends with EXT-X-ENDLIST and no preload hint', () => {
    const text = renderMediaPlaylist(model(3, { ended: true, current: null }));
    expect(text).toContain('#EXT-X-ENDLIST\n');
    expect(text).not.toContain('PRELOAD-HINT');
    expect(parseMedia(text).endlist).toBe(true);
  });

  it('marks a restart with EXT-X-DISCONTINUITY, a new map, and counts discontinuities that left the window', () => {
    const segments = [
      segment(7),
      segment(8, { discontinuity: true, mapUri: `${B}/init1.mp4` }),
      segment(9, { mapUri: `${B}/init1.mp4` }),
    ];
    const text = renderMediaPlaylist(model(0, { segments, mediaSequence: 7, discontinuitySequence: 2, current: null }));
    expectGolden(text, 'media-discontinuity.m3u8');
    const parsed = parseMedia(text);
    expect(parsed.discontinuitySequenceBase).toBe(2);
    expect(parsed.segments[1]?.discontinuity).toBe(true);
    expect(parsed.segments[1]?.map?.uri).toBe(`${B}/init1.mp4`);
  });
});

describe('multivariant playlist', () => {
  const mv = renderMultivariantPlaylist({
    audio: [{ groupId: 'audio', name: 'default', uri: 'audio/index.m3u8', channels: 2 }],
    variants: [
      {
        uri: 'video/index.m3u8',
        bandwidth: 3_300_000.4,
        averageBandwidth: 3_000_000,
        codecs: ['avc1.64001f', 'mp4a.40.2'],
        resolution: { width: 1280, height: 720 },
        frameRate: 30,
        audioGroupId: 'audio',
      },
    ],
  });

  it('renders STREAM-INF and the shared audio group exactly (golden)', () => {
    expectGolden(mv, 'multivariant.m3u8');
    // Segments cut without a keyframe (a source that sends none) are possible: no blanket independence claim.
    expect(mv).not.toContain('INDEPENDENT-SEGMENTS');
  });

  it('is read by hls-parser', () => {
    HLS.setOptions({ strictMode: true });
    const parsed = HLS.parse(mv) as HLS.types.MasterPlaylist;
    expect(parsed.isMasterPlaylist).toBe(true);
    const variant = parsed.variants[0];
    expect(variant).toMatchObject({
      uri: 'video/index.m3u8',
      bandwidth: 3_300_000,
      averageBandwidth: 3_000_000,
      codecs: 'avc1.64001f,mp4a.40.2',
      resolution: { width: 1280, height: 720 },
      frameRate: 30,
    });
    expect(variant?.audio[0]).toMatchObject({ groupId: 'audio', uri: 'audio/index.m3u8', isDefault: true });
  });
});
