export type WebRtcBridgeErrorCode =
  | 'UNSUPPORTED_CODEC'
  | 'UNSUPPORTED_OPTION'
  | 'INVALID_AUDIO_CONFIG'
  | 'INVALID_VIDEO_CONFIG'
  | 'TRANSCODER_FAILED';

/** A failure of the WebRTC ⇄ stream bridges; `code` is stable for callers and logs. */
export class WebRtcBridgeError extends Error {
  override readonly name = 'WebRtcBridgeError';
  readonly code: WebRtcBridgeErrorCode;

  constructor(code: WebRtcBridgeErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
