import type { AudioFrame, VideoAccessUnit } from '@glint/media-core';

/** One item of a live source's output: video and audio in decode order, as an encoder delivers them. */
export type MediaItem =
  | { readonly kind: 'video'; readonly au: VideoAccessUnit; readonly t90k: number }
  | { readonly kind: 'audio'; readonly frame: AudioFrame; readonly t90k: number };

/** Everything in decode order, video and audio interleaved by time, as a live source would deliver it. */
export function interleave(video: readonly VideoAccessUnit[], audio: readonly AudioFrame[]): MediaItem[] {
  const items: MediaItem[] = [
    ...video.map((au) => ({ kind: 'video' as const, au, t90k: au.dts90k })),
    ...audio.map((frame) => ({ kind: 'audio' as const, frame, t90k: frame.pts90k })),
  ];
  return items.sort((a, b) => a.t90k - b.t90k);
}
