/** AAC parsing checked against ffmpeg's encoder and ffprobe (integration tier: starts processes). */
import { ffmpeg, ffprobe, makeTempDir } from '@glint/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAdts, parseAudioSpecificConfig, stripAdts } from './aac.ts';

describe('ADTS from ffmpeg', () => {
  const dir = makeTempDir('adts');
  afterAll(() => dir.remove());

  it('splits ffmpeg ADTS output into as many frames as ffprobe counts, with the right config', () => {
    const file = dir.file('tone.aac');
    const adts = ffmpeg(
      ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '1', '-ac', '2', '-c:a', 'aac', '-f', 'adts'],
      file,
    );
    const { asc, frames } = parseAdts(adts);
    const probed = ffprobe(['-count_frames', '-show_streams', file]).json as {
      streams: { nb_read_frames: string; sample_rate: string; channels: number; profile: string }[];
    };
    const stream = probed.streams[0]!;
    expect(frames.length).toBe(Number(stream.nb_read_frames));
    const info = parseAudioSpecificConfig(asc);
    expect(info.sampleRate).toBe(Number(stream.sample_rate));
    expect(info.channels).toBe(stream.channels);
    expect(stream.profile).toBe('LC');
    expect(info.objectType).toBe(2);
    // Frames are the payloads between headers: their sizes plus 7-byte headers add up to the file.
    expect(frames.reduce((sum, f) => sum + f.length + 7, 0)).toBe(adts.length);
    expect(stripAdts(adts.subarray(0, frames[0]!.length + 7))).toEqual(frames[0]);
  });
});
