import type { H264Config } from '@glint/media-core';
import type { H264AccessUnit } from '../../protocols/rtp/h264-depacketizer.ts';
import { WebRtcBridgeError } from '../../transcode/errors.ts';
import { spsProblem } from '../stream-rtp/h264-config-keeper.ts';

/** The first SPS the outputs could not use, as a bridge error; undefined when every SPS parses. */
function invalidSps(sps: readonly Uint8Array[]): WebRtcBridgeError | undefined {
  for (const [i, set] of sps.entries()) {
    const problem = spsProblem(set);
    if (problem !== undefined) {
      return new WebRtcBridgeError(
        'INVALID_VIDEO_CONFIG',
        `the publisher's SPS ${i} is invalid (${problem}); its keyframe is dropped and another one requested`,
      );
    }
  }
  return undefined;
}

function sameSets(x: readonly Uint8Array[], y: readonly Uint8Array[]): boolean {
  return x.length === y.length && x.every((v, i) => Buffer.compare(v, y[i]!) === 0);
}

/**
 * Which depacketized access units reach the stream: none before the first parameter sets, none carrying an SPS the
 * outputs could not parse, and after such a one none until the next good keyframe (they could not be decoded).
 */
export class VideoConfigGate {
  #config: H264Config | null = null;
  #awaitingKeyframe = false;
  /** Access units dropped for an invalid SPS, or while waiting for the keyframe after one. */
  dropped = 0;

  /** A keyframe is needed: none with usable parameter sets came yet, or the last one was dropped. */
  get stuck(): boolean {
    return this.#awaitingKeyframe || this.#config === null;
  }

  /** Undefined: drop the access unit. Otherwise it passes, after `config` when that is new. */
  admit(au: H264AccessUnit, report: (error: WebRtcBridgeError) => void): { config: H264Config | null } | undefined {
    const current = this.#config;
    // A known SPS was checked when it came first; a new one is checked before it reaches any output.
    const invalid = au.sps.length > 0 && !(current && sameSets(current.sps, au.sps)) ? invalidSps(au.sps) : undefined;
    if (invalid || (this.#awaitingKeyframe && !au.keyframe)) {
      if (invalid) report(invalid);
      this.#awaitingKeyframe = true;
      this.dropped++;
      return undefined;
    }
    this.#awaitingKeyframe = false;
    const changed =
      au.sps.length > 0 &&
      au.pps.length > 0 &&
      !(current && sameSets(current.sps, au.sps) && sameSets(current.pps, au.pps));
    if (changed) this.#config = { codec: 'h264', sps: au.sps, pps: au.pps };
    if (!this.#config) return undefined; // an IDR without parameter sets before any: wait for the next one
    return { config: changed ? this.#config : null };
  }
}
