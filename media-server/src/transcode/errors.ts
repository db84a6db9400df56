import { GlintError } from '@glint/media-core';

export type WebRtcBridgeErrorCode =
  | 'UNSUPPORTED_CODEC'
  | 'UNSUPPORTED_OPTION'
  | 'INVALID_AUDIO_CONFIG'
  | 'INVALID_VIDEO_CONFIG'
  | 'TRANSCODER_FAILED';

/** A failure of the WebRTC ⇄ stream bridges; `code` is stable for callers and logs. */
export class WebRtcBridgeError extends GlintError<WebRtcBridgeErrorCode> {
  override readonly name = 'WebRtcBridgeError';
}
