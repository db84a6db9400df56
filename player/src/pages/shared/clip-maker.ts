/** Clips as the pages ask for them (POST /api/clips) and the words they show for a clip's state. */
import type { ClipItem } from './types.ts';

/** A live clip (the last `seconds`) or a VOD range. */
export type ClipRequest =
  | { readonly channel: string; readonly seconds: number }
  | { readonly broadcastId: string; readonly startSec: number; readonly endSec: number };

export const CLIP_STATUS_TEXT: Readonly<Record<ClipItem['status'], string>> = {
  queued: 'Clip queued…',
  making: 'Making the clip…',
  ready: 'Clip ready:',
  failed: 'Clip failed:',
};
