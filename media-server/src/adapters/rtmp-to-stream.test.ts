import { describe, expect, it } from 'vitest';
import type { MediaEvent } from '../protocols/flv/types.ts';
import { toStreamEvent } from './rtmp-to-stream.ts';

describe('toStreamEvent: RTMP metadata stops at the adapter', () => {
  const metadata = (fields: Record<string, number | string>): MediaEvent => ({ kind: 'metadata', metadata: fields });

  it.each([
    ['ffmpeg with both tracks', { videocodecid: 7, audiocodecid: 10, width: 1280 }, { video: true, audio: true }],
    ['OBS without audio', { videocodecid: 'avc1', width: 1920, height: 1080 }, { video: true, audio: false }],
    ['audio only', { audiocodecid: 10, audiosamplerate: 48000 }, { video: false, audio: true }],
    ['dimensions only', { width: 640 }, { video: true, audio: false }],
  ])('%s → tracks %j', (_name, fields, tracks) => {
    expect(toStreamEvent(metadata(fields))).toEqual({ kind: 'tracks', tracks });
  });

  it('drops metadata that names no track (an encoder string, a duration)', () => {
    expect(toStreamEvent(metadata({ encoder: 'Lavf60', duration: 0 }))).toBeUndefined();
  });

  it('passes media and configs through unchanged', () => {
    const video: MediaEvent = {
      kind: 'video',
      au: { data: new Uint8Array([0, 0, 0, 1, 0x65]), format: 'avcc', pts90k: 3000, dts90k: 3000, keyframe: true },
    };
    expect(toStreamEvent(video)).toBe(video);
    const config: MediaEvent = {
      kind: 'audio-config',
      config: { codec: 'aac', asc: new Uint8Array([0x12, 0x10]) },
      timestampMs: 0,
    };
    expect(toStreamEvent(config)).toEqual({ kind: 'audio-config', config: config.config });
  });
});
