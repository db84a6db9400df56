import { chatFrame } from './chat.ts';
import { aac, h264 } from './codec.ts';
import { flv } from './flv.ts';
import { amf0, rtmpChunks, rtmpConnection } from './rtmp.ts';
import { rtp } from './rtp.ts';
import type { FuzzTarget } from './target.ts';

export type { FuzzTarget } from './target.ts';

/** Every target, the slower pipelines first so that the faster ones can make up the input count at the end. */
export const TARGETS: readonly FuzzTarget[] = [rtmpConnection, flv, rtmpChunks, rtp, h264, amf0, aac, chatFrame];

export function targetNamed(name: string): FuzzTarget {
  const target = TARGETS.find((t) => t.name === name);
  if (target === undefined) {
    throw new Error(`unknown fuzz target "${name}"; the targets are ${TARGETS.map((t) => t.name).join(', ')}`);
  }
  return target;
}
