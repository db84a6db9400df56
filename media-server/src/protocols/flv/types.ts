import type { AacConfig, AudioFrame, H264Config, VideoAccessUnit } from '@glint/media-core';
import type { AmfObject } from '../rtmp/amf0.ts';

export type { AacConfig, AudioFrame, H264Config, VideoAccessUnit } from '@glint/media-core';

/** What an FLV (or RTMP) publisher's tags become, in decode order. */
export type MediaEvent =
  | { readonly kind: 'video-config'; readonly config: H264Config; readonly timestampMs: number }
  | { readonly kind: 'video'; readonly au: VideoAccessUnit }
  | { readonly kind: 'audio-config'; readonly config: AacConfig; readonly timestampMs: number }
  | { readonly kind: 'audio'; readonly frame: AudioFrame }
  | { readonly kind: 'metadata'; readonly metadata: AmfObject };

export type FlvTagType = 'audio' | 'video' | 'script';

export interface FlvTag {
  readonly type: FlvTagType;
  /** 32-bit tag timestamp (24 bits plus the extension byte), in ms. */
  readonly timestampMs: number;
  /** The tag body, a fresh buffer. */
  readonly data: Uint8Array;
}
