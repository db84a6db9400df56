/**
 * A replica in another process must serve what the packager serves: the same playlists byte for byte, the same parts,
 * segments and init segments under the same URIs, from its first update on, whether it started with the stream or
 * joined in the middle, across a new video configuration and the end, holding no more than the packager. Updates go
 * through V8's serializer, as they do over a child process's IPC channel.
 */
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { LivePackager } from '../packager.ts';
import { renderMediaPlaylist } from '../playlist/media.ts';
import { renderMultivariantPlaylist } from '../playlist/multivariant.ts';
import type { ReplicaUpdate } from './messages.ts';
import { ReplicaFeed } from './replica-feed.ts';
import { ReplicaStream } from './replica-stream.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const SPS = hex('6764001eacd940a02ff970110000030001000003003c0f162d96');
const SPS_180 = hex('6764000dacd941419f9f0110000003001000000303c0f1429960');
const PPS = hex('68ebe3cb22c0');
const OPUS_20MS = Uint8Array.from([0xf8, 1, 2, 3]);
const FRAME_90K = 3000;

const overIpc = (update: ReplicaUpdate): ReplicaUpdate => deserialize(serialize(update)) as ReplicaUpdate;

function frame(i: number, keyframe: boolean) {
  const data = new Uint8Array(4 + 300);
  new DataView(data.buffer).setUint32(0, 300);
  data[4] = keyframe ? 0x65 : 0x41;
  data.fill(i & 0xff, 5);
  return { data, format: 'avcc' as const, dts90k: i * FRAME_90K, pts90k: i * FRAME_90K, keyframe };
}

/** Everything a client could fetch from `source`, as text and bytes, keyed by what it would ask for. */
function served(
  packager: LivePackager,
  replica: ReplicaStream,
): { primary: Map<string, string>; copy: Map<string, string> } {
  const primary = new Map<string, string>();
  const copy = new Map<string, string>();
  const b64 = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('base64') : 'missing');
  copy.set('ready', String(replica.ready));
  primary.set('ready', String(packager.ready));
  if (packager.ready) {
    primary.set('multivariant', renderMultivariantPlaylist(packager.multivariant()));
    copy.set('multivariant', replica.ready ? renderMultivariantPlaylist(replica.multivariant()) : 'not ready');
  }
  copy.set('names', replica.renditions.map((r) => r.name).join());
  primary.set('names', packager.renditions.map((r) => r.name).join());
  for (const r of packager.renditions) {
    const t = replica.rendition(r.name);
    for (const skip of ['NO', 'YES', 'v2'] as const) {
      primary.set(`${r.name} ${skip}`, renderMediaPlaylist(r.model(packager.renditionReports(r.name)), skip));
      copy.set(`${r.name} ${skip}`, t ? renderMediaPlaylist(t.model(replica.renditionReports(r.name)), skip) : '');
    }
    for (const field of ['ended', 'lastCompleteMsn', 'nextPartId', 'targetDurationSec', 'uriFolder'] as const) {
      primary.set(`${r.name} ${field}`, String(r[field]));
      copy.set(`${r.name} ${field}`, String(t?.[field]));
    }
    primary.set(`${r.name} position`, JSON.stringify(r.position));
    copy.set(`${r.name} position`, JSON.stringify(t?.position));
    for (let id = r.firstHeldPartId; id < r.nextPartId; id++) {
      primary.set(`${r.name} part ${id}`, b64(r.part(id)?.bytes));
      copy.set(`${r.name} part ${id}`, b64(t?.part(id)?.bytes));
    }
    for (const s of r.model([]).segments) {
      primary.set(`${r.name} segment ${s.msn}`, b64(r.segment(s.msn)?.bytes));
      copy.set(`${r.name} segment ${s.msn}`, b64(t?.segment(s.msn)?.bytes));
      primary.set(`${r.name} init ${s.mapUri}`, b64(r.initByUri(s.mapUri)));
      copy.set(`${r.name} init ${s.mapUri}`, b64(t?.initByUri(s.mapUri)));
    }
  }
  return { primary, copy };
}

describe('a replica of a live packager', () => {
  it('serves what the packager serves after every change, from the start and from the middle, to the end', async () => {
    const packager = new LivePackager({ expect: { video: true, audio: true }, clock: () => Date.UTC(2026, 11, 1) });
    const feed = new ReplicaFeed(packager);
    const fromStart = new ReplicaStream();
    fromStart.apply(overIpc(feed.snapshot()));
    feed.onUpdate((u) => fromStart.apply(overIpc(u)));
    let late: ReplicaStream | undefined;
    let updates = 0;
    feed.onUpdate(() => updates++);

    packager.setVideoConfig({ codec: 'h264', sps: [SPS], pps: [PPS] });
    packager.setAudioConfig({ codec: 'opus', channels: 2 });
    // A replica that starts between a change and the update that carries it changes nothing for the others.
    new ReplicaStream().apply(overIpc(feed.snapshot()));
    let audio90k = 0;
    let compared = 0;
    for (let i = 0; i < 30 * 40; i++) {
      // A new video configuration (a new init segment, a new EXT-X-MAP) half way.
      if (i === 30 * 20) packager.setVideoConfig({ codec: 'h264', sps: [SPS_180], pps: [PPS] });
      while (audio90k <= i * FRAME_90K) {
        packager.pushAudio({ data: OPUS_20MS, pts90k: audio90k });
        audio90k += 1800;
      }
      packager.pushVideo(frame(i, i % 60 === 0));
      await Promise.resolve();
      if (i === 30 * 13 + 7) {
        // Joins mid-segment, with parts that already left the playlist's part lines.
        late = new ReplicaStream();
        late.apply(overIpc(feed.snapshot()));
        feed.onUpdate((u) => late?.apply(overIpc(u)));
      }
      if (i % 7 !== 0) continue;
      const a = served(packager, fromStart);
      expect(a.copy).toEqual(a.primary);
      if (late) {
        const b = served(packager, late);
        expect(b.copy).toEqual(b.primary);
        compared++;
      }
      // Never more media than the packager holds.
      expect(fromStart.heldBytes).toBeLessThanOrEqual(packager.renditions.reduce((n, r) => n + r.heldBytes, 0));
    }
    packager.end();
    await Promise.resolve();
    const end = served(packager, fromStart);
    expect(end.copy).toEqual(end.primary);
    expect(fromStart.renditions.every((r) => r.ended)).toBe(true);
    expect(compared).toBeGreaterThan(100);
    // Changes of one ingest call travel as one update: fewer updates than changes.
    expect(updates).toBeLessThan(30 * 40 + audio90k / 1800);
    feed.close();
  });

  it('carries each part once: an update holds only the parts that are new', async () => {
    const packager = new LivePackager({ expect: { video: true, audio: false }, clock: () => 0 });
    const feed = new ReplicaFeed(packager);
    const ids: number[] = [];
    feed.onUpdate((u) => {
      for (const t of u.tracks) for (const p of t.parts) ids.push(p.id);
    });
    packager.setVideoConfig({ codec: 'h264', sps: [SPS], pps: [PPS] });
    for (let i = 0; i < 30 * 10; i++) {
      packager.pushVideo(frame(i, i % 30 === 0));
      await Promise.resolve();
    }
    const video = packager.rendition('video');
    expect(ids).toEqual(Array.from({ length: video?.nextPartId ?? -1 }, (_, i) => i));
    feed.close();
  });
});
