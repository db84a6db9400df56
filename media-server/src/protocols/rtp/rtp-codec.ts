/** A codec as RTP and SDP name it: what an SFU source announces and a subscriber's answer must carry. */
export interface RtpCodec {
  /** 'video/H264' or 'audio/opus'. */
  readonly mimeType: string;
  readonly clockRate: number;
  readonly channels?: number;
  /** e.g. 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f' */
  readonly sdpFmtpLine?: string;
}
