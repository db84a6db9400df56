import { codec, type H264Config } from '@glint/media-core';
import { WebRtcBridgeError } from '../../transcode/errors.ts';

/** profile-level-id (RFC 6184 8.1) from an SPS: profile_idc, constraint flags byte, level_idc, as hex. */
export function profileLevelIdOf(sps: Uint8Array): string {
  if (sps.length < 4) throw new WebRtcBridgeError('UNSUPPORTED_CODEC', 'SPS is too short to hold a profile');
  return Buffer.from(sps.subarray(1, 4)).toString('hex');
}

/**
 * Why an SPS cannot describe the stream to WebRTC viewers (their SDP carries its profile-level-id), or undefined
 * when it can. A publisher's bad codec data is dropped here, never turned into an error for every viewer.
 */
export function spsProblem(sps: Uint8Array | undefined): string | undefined {
  if (!sps) return 'the config has no SPS';
  try {
    codec.parseSps(sps);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The H.264 parameter sets WebRTC viewers get: from the stream's config or in band before a keyframe, kept only
 * when the SPS parses. A bad one is reported once and dropped (the last good config stays); the next bad one is
 * reported only after a good one came.
 */
export class H264ConfigKeeper {
  readonly #onError: (error: WebRtcBridgeError) => void;
  #config: H264Config | null = null;
  #badReported = false;

  constructor(onError: (error: WebRtcBridgeError) => void) {
    this.#onError = onError;
  }

  /** The last good config; its SPS parses, so `profileLevelIdOf` cannot throw on it. */
  get config(): H264Config | null {
    return this.#config;
  }

  set(config: H264Config): void {
    const problem = spsProblem(config.sps[0]);
    if (problem === undefined) {
      this.#config = config;
      this.#badReported = false;
      return;
    }
    if (this.#badReported) return;
    this.#badReported = true;
    this.#onError(new WebRtcBridgeError('INVALID_VIDEO_CONFIG', `video config dropped for WebRTC viewers: ${problem}`));
  }

  /** The SPS and PPS a keyframe carries in band, when it carries both. */
  takeInBand(nals: readonly Uint8Array[]): void {
    const sps = nals.filter((n) => (n[0]! & 0x1f) === codec.NalType.SPS);
    const pps = nals.filter((n) => (n[0]! & 0x1f) === codec.NalType.PPS);
    if (sps.length > 0 && pps.length > 0) this.set({ codec: 'h264', sps, pps });
  }
}
