/** Reads, from fMP4 fragments (one part or a whole segment), how many samples each track run holds and where it starts. */

export interface TrackRun {
  readonly trackId: number;
  /** tfdt baseMediaDecodeTime, in the track's timescale. */
  readonly baseDecodeTime: number;
  readonly samples: number;
  /** Each sample's size in bytes, from the trun (or tfhd's default size). */
  readonly sampleSizes: readonly number[];
}

export function readTrackRuns(bytes: Uint8Array): TrackRun[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const runs: TrackRun[] = [];
  for (const moof of boxes(view, 0, bytes.byteLength)) {
    if (moof.type !== 'moof') continue;
    for (const traf of boxes(view, moof.body, moof.end)) {
      if (traf.type !== 'traf') continue;
      let trackId = 0;
      let baseDecodeTime = 0;
      let defaultSize = 0;
      const sampleSizes: number[] = [];
      for (const box of boxes(view, traf.body, traf.end)) {
        if (box.type === 'tfhd') {
          trackId = view.getUint32(box.body + 4);
          defaultSize = readDefaultSampleSize(view, box.body);
        } else if (box.type === 'tfdt') {
          baseDecodeTime =
            view.getUint8(box.body) === 1 ? Number(view.getBigUint64(box.body + 4)) : view.getUint32(box.body + 4);
        } else if (box.type === 'trun') sampleSizes.push(...readTrunSizes(view, box.body, defaultSize));
      }
      runs.push({ trackId, baseDecodeTime, samples: sampleSizes.length, sampleSizes });
    }
  }
  return runs;
}

/** Sample sizes of one track in a fragment or segment, in decode order. */
export function sampleSizes(bytes: Uint8Array, trackId: number): number[] {
  return readTrackRuns(bytes)
    .filter((r) => r.trackId === trackId)
    .flatMap((r) => r.sampleSizes);
}

/** tfhd: flags say which optional fields follow track_ID; default-sample-size (0x10) comes after three others. */
function readDefaultSampleSize(view: DataView, body: number): number {
  const flags = view.getUint32(body) & 0xffffff;
  if (!(flags & 0x10)) return 0;
  let at = body + 8;
  if (flags & 0x01) at += 8; // base-data-offset
  if (flags & 0x02) at += 4; // sample-description-index
  if (flags & 0x08) at += 4; // default-sample-duration
  return view.getUint32(at);
}

/** trun: per-sample fields are present as its flags say; the size is the second of the four. */
function readTrunSizes(view: DataView, body: number, defaultSize: number): number[] {
  const flags = view.getUint32(body) & 0xffffff;
  const count = view.getUint32(body + 4);
  let at = body + 8;
  if (flags & 0x001) at += 4; // data-offset
  if (flags & 0x004) at += 4; // first-sample-flags
  const stride = [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length * 4;
  const sizeAt = flags & 0x100 ? 4 : 0;
  const sizes: number[] = [];
  for (let i = 0; i < count; i++, at += stride) sizes.push(flags & 0x200 ? view.getUint32(at + sizeAt) : defaultSize);
  return sizes;
}

interface Box {
  readonly type: string;
  readonly body: number;
  readonly end: number;
}

function* boxes(view: DataView, start: number, end: number): Generator<Box> {
  let at = start;
  while (at + 8 <= end) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = end - at;
    if (size < header || at + size > end) return;
    const type = String.fromCharCode(
      view.getUint8(at + 4),
      view.getUint8(at + 5),
      view.getUint8(at + 6),
      view.getUint8(at + 7),
    );
    yield { type, body: at + header, end: at + size };
    at += size;
  }
}
