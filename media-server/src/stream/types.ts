import type { AudioConfig, AudioFrame, H264Config, VideoAccessUnit } from '@glint/media-core';

/** What flows through a live stream, in decode order. Protocol-neutral: RTMP, WHIP or a pipe produce it. */
export type StreamEvent =
  | { readonly kind: 'video-config'; readonly config: H264Config }
  | { readonly kind: 'video'; readonly au: VideoAccessUnit }
  | { readonly kind: 'audio-config'; readonly config: AudioConfig }
  | { readonly kind: 'audio'; readonly frame: AudioFrame }
  | { readonly kind: 'tracks'; readonly tracks: ExpectedTracks };

/** Which tracks a publisher announced it will send, so outputs need not wait for a missing one. */
export interface ExpectedTracks {
  readonly video: boolean;
  readonly audio: boolean;
}

/** Why a stream ended, as readers see it. */
export type StreamEndReason = 'unpublish' | 'disconnect' | 'timeout' | 'error' | 'closed' | 'shutdown';

/** What a reader of a live stream implements: it asks for nothing but events and the end. */
export interface StreamReader {
  onEvent(event: StreamEvent): void;
  onEnd(reason: StreamEndReason): void;
}

/** Which ingest a stream came in by. */
export type StreamSource = 'rtmp' | 'whip' | 'pipe';
