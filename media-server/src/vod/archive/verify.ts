import { createHash } from 'node:crypto';
import type { VodIndex, VodSegment } from '@glint/platform';
import type { MediaStore } from '../storage/types.ts';

export interface VerifyResult {
  /** Segments read (the ones still marked ok). */
  readonly checked: number;
  /** Of those, missing or corrupt ones, now marked bad. */
  readonly bad: number;
}

const PAGE = 200;

/**
 * Reads every indexed segment of a broadcast still marked ok and checks its size and SHA-256 (and that its init
 * segment exists); a missing or corrupt one is marked bad, so playlists skip it with a discontinuity. One segment in
 * memory at a time (streamed through the hash), whatever the broadcast's length.
 */
export async function verifyBroadcast(store: MediaStore, index: VodIndex, broadcastId: string): Promise<VerifyResult> {
  let checked = 0;
  let bad = 0;
  const inits = new Map<string, boolean>();
  for (const { rendition } of await index.lastSegments(broadcastId)) {
    for (let fromSeq = 0; ; ) {
      const page = await index.segments(broadcastId, rendition, { fromSeq, limit: PAGE });
      for (const segment of page) {
        if (!segment.ok) continue;
        checked += 1;
        let initOk = inits.get(segment.initKey);
        if (initOk === undefined) {
          initOk = ((await store.size(segment.initKey)) ?? 0) > 0;
          inits.set(segment.initKey, initOk);
        }
        if (!initOk || !(await intact(store, segment))) {
          bad += 1;
          await index.markBad(broadcastId, rendition, segment.seq);
        }
      }
      const last = page.at(-1);
      if (!last || page.length < PAGE) break;
      fromSeq = last.seq + 1;
    }
  }
  return { checked, bad };
}

async function intact(store: MediaStore, segment: VodSegment): Promise<boolean> {
  if ((await store.size(segment.key)) !== segment.bytes) return false;
  const stream = await store.read(segment.key);
  if (!stream) return false;
  const hash = createHash('sha256');
  try {
    for await (const chunk of stream) hash.update(chunk as Buffer);
  } catch {
    // Unreadable (an I/O error): as good as corrupt for a player.
    return false;
  }
  return hash.digest('hex') === segment.sha256;
}
