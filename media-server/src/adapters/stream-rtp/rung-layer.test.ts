import { describe, expect, it } from 'vitest';
import type { VideoLayer } from '../../sfu/types.ts';
import { LiveStream } from '../../stream/live-stream.ts';
import type { ChannelLadder, LadderRung } from '../../transcode/ladder/types.ts';
import { StreamRtpSource } from '../stream-rtp-source.ts';

function rung(name: string, height: number): LadderRung {
  const stream = new LiveStream('ch', 'pipe', 0, (e) => {
    throw e;
  });
  return { name, width: Math.round((height * 16) / 9 / 2) * 2, height, fps: 30, bitrateKbps: height * 2, stream };
}

function fakeLadder(initial: LadderRung[]) {
  const listeners = new Set<(r: LadderRung) => void>();
  const ladder: ChannelLadder = {
    channelId: 'ch',
    rungs: () => initial,
    planned: () => initial.map((r) => r.name),
    onRung: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return {
    ladder,
    start: (r: LadderRung) => {
      for (const l of listeners) l(r);
    },
    listeners,
  };
}

describe('StreamRtpSource with a ladder: rungs as video layers', () => {
  it('lists the source and the running rungs, adds rungs as they start, replaces a restarted one, drops ended ones', () => {
    const source = new LiveStream('ch', 'rtmp', 0, (e) => {
      throw e;
    });
    const r480 = rung('480p', 480);
    const r360 = rung('360p', 360);
    const { ladder, start, listeners } = fakeLadder([r480]);
    const errors: unknown[] = [];
    const rtp = new StreamRtpSource(source, { ladder, onError: (e) => errors.push(e) });
    const ids = () => rtp.videoLayers().map((l) => `${l.id} ${l.width}x${l.height} ${l.bitrateKbps}`);
    expect(ids()).toEqual(['source 0x0 0', '480p 854x480 960']);
    const added: VideoLayer[] = [];
    rtp.onVideoLayer((l) => added.push(l));
    start(r360);
    expect(added.map((l) => l.id)).toEqual(['360p']);
    // A restart: a new stream under the same name ends the old layer.
    const old = rtp.videoLayers().find((l) => l.id === '480p');
    let oldEnded = false;
    old?.onEnd(() => {
      oldEnded = true;
    });
    const again = rung('480p', 480);
    start(again);
    expect(oldEnded).toBe(true);
    expect(rtp.videoLayers().map((l) => l.id)).toEqual(['source', '360p', '480p']);
    // A rung shed: its stream ends, and so does its layer.
    r360.stream.end('unpublish');
    expect(rtp.videoLayers().map((l) => l.id)).toEqual(['source', '480p']);
    // A rung named like the source's layer is refused with an error; an ended stream is not added.
    start(rung('source', 240));
    const ended = rung('240p', 240);
    ended.stream.end('unpublish');
    start(ended);
    expect(rtp.videoLayers().map((l) => l.id)).toEqual(['source', '480p']);
    expect(errors).toHaveLength(1);
    // The source ends: every layer ends, the ladder is let go.
    let sourceEnded = false;
    rtp.videoLayers()[0]?.onEnd(() => {
      sourceEnded = true;
    });
    source.end('unpublish');
    expect(sourceEnded).toBe(true);
    expect(rtp.videoLayers().map((l) => l.id)).toEqual(['source']);
    expect(listeners.size).toBe(0);
    expect(again.stream.readerCount).toBe(0);
  });
});
