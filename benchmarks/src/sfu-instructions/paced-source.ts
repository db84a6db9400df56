/**
 * The harness's RtpSource: the synthetic H.264 pattern sent frame by frame at its frame rate, on the wall clock (a
 * late timer sends the frames it owes, so the packet rate holds under valgrind's slowdown). Keyframe requests are
 * counted, never answered: every engine and the peer get the same packets, one keyframe per GOP.
 */
import type { RtpCodec } from '@glint/media-server';
import { FakeRtpSource } from '@glint/testkit';
import { framePackets, type H264Pattern } from './h264-packets.ts';

const CODEC: RtpCodec = {
  mimeType: 'video/H264',
  clockRate: 90_000,
  sdpFmtpLine: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
};
/** At most this many owed frames are sent at once; beyond it the source skips ahead (the harness fell behind). */
const MAX_CATCH_UP_FRAMES = 5;

export class PacedSource {
  readonly rtp: FakeRtpSource;
  readonly #pattern: H264Pattern;
  #timer: NodeJS.Timeout | undefined;
  #startedMs = 0;
  #frame = 0;
  #seq = 0;
  packetsSent = 0;
  framesSkipped = 0;

  constructor(channelId: string, pattern: H264Pattern) {
    this.rtp = new FakeRtpSource(channelId, { video: CODEC });
    this.#pattern = pattern;
  }

  start(): void {
    this.#startedMs = performance.now();
    const frameMs = 1000 / this.#pattern.fps;
    this.#timer = setInterval(() => this.#tick(frameMs), Math.max(1, Math.floor(frameMs / 2)));
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(frameMs: number): void {
    const due = Math.floor((performance.now() - this.#startedMs) / frameMs) + 1;
    if (due - this.#frame > MAX_CATCH_UP_FRAMES) {
      this.framesSkipped += due - this.#frame - 1;
      this.#frame = due - 1;
    }
    for (; this.#frame < due; this.#frame++) {
      for (const packet of framePackets(this.#pattern, this.#frame, this.#seq)) {
        this.rtp.emit('video', packet);
        this.#seq = (this.#seq + 1) & 0xffff;
        this.packetsSent++;
      }
    }
  }
}
