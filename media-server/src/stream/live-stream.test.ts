import type { AudioConfig, H264Config } from '@glint/media-core';
import { describe, expect, it } from 'vitest';
import { LiveStream } from './live-stream.ts';
import type { StreamEndReason, StreamEvent, StreamReader } from './types.ts';

const VIDEO_CONFIG: H264Config = { codec: 'h264', sps: [new Uint8Array([0x67, 0x42])], pps: [new Uint8Array([0x68])] };
const AUDIO_CONFIG: AudioConfig = { codec: 'aac', asc: new Uint8Array([0x12, 0x10]) };
const videoAu = (pts90k: number, keyframe = false): StreamEvent => ({
  kind: 'video',
  au: { data: new Uint8Array(10), format: 'avcc', pts90k, dts90k: pts90k, keyframe },
});
const audioFrame = (pts90k: number): StreamEvent => ({ kind: 'audio', frame: { data: new Uint8Array(4), pts90k } });

/** A reader that records what it hears, as short labels. */
class Recorder implements StreamReader {
  readonly heard: string[] = [];
  onEvent(event: StreamEvent): void {
    if (event.kind === 'video') this.heard.push(`video@${event.au.pts90k}`);
    else if (event.kind === 'audio') this.heard.push(`audio@${event.frame.pts90k}`);
    else this.heard.push(event.kind);
  }
  onEnd(reason: StreamEndReason): void {
    this.heard.push(`end:${reason}`);
  }
}

function newStream(errors: Array<[unknown, string]> = []): LiveStream {
  return new LiveStream('demo', 'rtmp', 1_000, (error, channelId) => errors.push([error, channelId]));
}

describe('LiveStream', () => {
  it('delivers every event to every reader in push order', () => {
    const stream = newStream();
    const a = new Recorder();
    const b = new Recorder();
    stream.attach(a);
    stream.attach(b);
    for (const event of [
      { kind: 'video-config', config: VIDEO_CONFIG } as const,
      videoAu(0, true),
      audioFrame(10),
      videoAu(3000),
    ]) {
      stream.push(event);
    }
    const expected = ['video-config', 'video@0', 'audio@10', 'video@3000'];
    expect(a.heard).toEqual(expected);
    expect(b.heard).toEqual(expected);
  });

  it('gives a late reader the announced tracks and the latest configs first, then only new media', () => {
    const stream = newStream();
    stream.push({ kind: 'tracks', tracks: { video: true, audio: true } });
    stream.push({ kind: 'video-config', config: VIDEO_CONFIG });
    stream.push({ kind: 'audio-config', config: AUDIO_CONFIG });
    stream.push(videoAu(0, true));
    const late = new Recorder();
    stream.attach(late);
    stream.push(videoAu(3000));
    expect(late.heard).toEqual(['tracks', 'video-config', 'audio-config', 'video@3000']);
    expect(stream.hasVideo && stream.hasAudio).toBe(true);
  });

  it('detaches and reports a reader that throws; the others keep hearing', () => {
    const errors: Array<[unknown, string]> = [];
    const stream = newStream(errors);
    const before = new Recorder();
    const broken: StreamReader = {
      onEvent: () => {
        throw new Error('reader bug');
      },
      onEnd: () => {},
    };
    const after = new Recorder();
    stream.attach(before);
    stream.attach(broken);
    stream.attach(after);
    stream.push(videoAu(0, true));
    stream.push(videoAu(3000));
    expect(before.heard).toEqual(['video@0', 'video@3000']);
    expect(after.heard).toEqual(['video@0', 'video@3000']);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[1]).toBe('demo');
    expect(stream.readerCount).toBe(2);
  });

  it('a reader that throws in onEnd does not keep the others from hearing the end', () => {
    const errors: Array<[unknown, string]> = [];
    const stream = newStream(errors);
    const first = new Recorder();
    stream.attach(first);
    stream.attach({
      onEvent: () => {},
      onEnd: () => {
        throw new Error('end bug');
      },
    });
    const last = new Recorder();
    stream.attach(last);
    stream.end('disconnect');
    expect(first.heard).toEqual(['end:disconnect']);
    expect(last.heard).toEqual(['end:disconnect']);
    expect(errors).toHaveLength(1);
  });

  it('detach stops delivery to that reader only', () => {
    const stream = newStream();
    const gone = new Recorder();
    const stays = new Recorder();
    const detach = stream.attach(gone);
    stream.attach(stays);
    stream.push(videoAu(0, true));
    detach();
    stream.push(videoAu(3000));
    expect(gone.heard).toEqual(['video@0']);
    expect(stays.heard).toEqual(['video@0', 'video@3000']);
  });

  it('counts frames and bytes in', () => {
    const stream = newStream();
    stream.push(videoAu(0, true));
    stream.push(audioFrame(0));
    stream.push(audioFrame(1920));
    expect([stream.videoFrames, stream.audioFrames, stream.bytesIn]).toEqual([1, 2, 10 + 4 + 4]);
  });

  it.each<StreamEndReason>(['unpublish', 'disconnect', 'timeout', 'error', 'closed', 'shutdown'])(
    'ends once with %s: readers hear it, later pushes are dropped, a later reader hears the end at once',
    (reason) => {
      const stream = newStream();
      const reader = new Recorder();
      stream.attach(reader);
      stream.end(reason);
      stream.end('shutdown');
      stream.push(videoAu(0, true));
      expect(stream.ended).toBe(true);
      expect(reader.heard).toEqual([`end:${reason}`]);
      expect(stream.readerCount).toBe(0);
      const late = new Recorder();
      stream.attach(late);
      expect(late.heard).toEqual([`end:${reason}`]);
      expect(stream.videoFrames).toBe(0);
    },
  );
});
