/** Reads our output with mp4box.js, an independent ISOBMFF parser, for tests. */
import { createFile, type Movie, MP4BoxBuffer, type Sample } from 'mp4box';

export interface Mp4boxResult {
  readonly info: Movie;
  /** Samples per track id, in decode order. */
  readonly samples: Map<number, Sample[]>;
  readonly errors: string[];
}

export function readWithMp4box(data: Uint8Array): Mp4boxResult {
  const file = createFile(true);
  const errors: string[] = [];
  const samples = new Map<number, Sample[]>();
  let info: Movie | undefined;
  file.onError = (module, message) => errors.push(`${module}: ${message}`);
  file.onReady = (movie) => {
    info = movie;
    for (const track of movie.tracks) {
      samples.set(track.id, []);
      file.setExtractionOptions(track.id, undefined, { nbSamples: 1_000_000 });
    }
    file.start();
  };
  file.onSamples = (id, _user, batch) => {
    samples.get(id)?.push(...batch);
  };
  const copy = data.slice().buffer;
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy, 0), true);
  file.flush();
  if (info === undefined) throw new Error(`mp4box never became ready: ${errors.join('; ') || 'no moov?'}`);
  return { info, samples, errors };
}
