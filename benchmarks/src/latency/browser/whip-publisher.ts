/**
 * A broadcaster in Chromium: a page paints the band (capture wall-clock ms + frame number) on a canvas at a fixed
 * rate paced on the clock, sends the canvas's captured stream with an oscillator's tone (Opus) over WHIP with Glint's own
 * browser client, H.264 preferred (Glint's LL-HLS carries H.264 only). Each frame's capture time goes to Node in
 * small batches, so `stamps()` answers at once.
 */
import type { Browser } from 'playwright-core';
import type { FrameStamps, StampSource } from '../types.ts';
import { openLatencyPage } from './page-setup.ts';

export interface WhipPublisherOptions {
  readonly whipUrl: string;
  readonly streamKey: string;
  /** Default 30. */
  readonly fps?: number;
  /** Default 640 x 360 (the band's design size; other sizes scale it). */
  readonly width?: number;
  readonly height?: number;
}

export interface WhipPublisher extends StampSource {
  /** Frames painted so far. */
  painted(): number;
  /** Stops painting, ends the WHIP session (DELETE) and closes the page. */
  stop(): Promise<void>;
}

interface PaintArgs {
  readonly whipUrl: string;
  readonly streamKey: string;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
}

/** Runs in the page: paints, captures, publishes. Resolves once the WHIP exchange is done. */
async function startInPage(args: PaintArgs): Promise<void> {
  const w = window as unknown as Record<string, unknown>;
  const band = w.__band as import('../band.ts').BandKit;
  const report = w.__glintStamps as (batch: number[]) => Promise<void>;
  const canvas = document.createElement('canvas');
  canvas.width = args.width;
  canvas.height = args.height;
  document.body.append(canvas);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  ctx.setTransform(args.width / band.width, 0, 0, args.height / band.height, 0, 0);
  // Pairs (frame, capture ms) not yet sent to Node.
  let pending: number[] = [];
  let frame = 0;
  let stopped = false;
  const periodMs = 1000 / args.fps;
  const startMs = performance.now();
  // Paced on a grid of slots on the clock (no drift): each tick paints the slot nearest to now, and waits for the
  // next one. A tick late by more than half a period skips a slot; one a little early (timers round delays to whole
  // ms) still counts as its own slot, which a floor() here got wrong: two paints in one slot, 37 fps painted, and the
  // capture kept only the second. The stamp is the time of painting, the band's truth.
  let slot = -1;
  const tick = () => {
    if (stopped) return;
    const nowMs = performance.now();
    slot = Math.max(slot + 1, Math.round((nowMs - startMs) / periodMs));
    const capturedMs = performance.timeOrigin + nowMs;
    band.paint(ctx, capturedMs, frame);
    pending.push(frame & 0xffff, capturedMs);
    frame++;
    setTimeout(tick, Math.max(0, Math.ceil(startMs + (slot + 1) * periodMs - performance.now())));
  };
  tick();
  const flush = setInterval(() => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    void report(batch);
  }, 200);
  // No frame rate given: captureStream(30) drops a painted frame that comes less than 1/30 s after the previous one,
  // and timer jitter then halved the frames that reached a viewer (15 fps). Unthrottled, every paint is a frame,
  // and the paint loop above sets the rate.
  const video = canvas.captureStream().getVideoTracks()[0];
  if (!video) throw new Error('captureStream gave no video track');
  const audioContext = new AudioContext();
  const oscillator = audioContext.createOscillator();
  oscillator.frequency.value = 440;
  const destination = audioContext.createMediaStreamDestination();
  oscillator.connect(destination);
  oscillator.start();
  await audioContext.resume();
  const audio = destination.stream.getAudioTracks()[0];
  const stream = new MediaStream(audio ? [video, audio] : [video]);
  const session = await window.glintWebrtc.whipPublish(args.whipUrl, stream, {
    token: args.streamKey,
    beforeOffer: (pc) => {
      for (const transceiver of pc.getTransceivers()) {
        if (transceiver.sender.track?.kind !== 'video') continue;
        // H.264 first (packetization mode 1, constrained baseline first), the other codecs after it.
        const codecs = RTCRtpSender.getCapabilities('video')?.codecs ?? [];
        const rank = (c: RTCRtpCodec) =>
          c.mimeType !== 'video/H264'
            ? 3
            : !/packetization-mode=1/.test(c.sdpFmtpLine ?? '')
              ? 2
              : /42e01f/.test(c.sdpFmtpLine ?? '')
                ? 0
                : 1;
        transceiver.setCodecPreferences([...codecs].sort((a, b) => rank(a) - rank(b)));
      }
    },
  });
  w.__stopPublisher = async () => {
    stopped = true;
    clearInterval(flush);
    if (pending.length > 0) await report(pending);
    pending = [];
    await session.stop();
    await audioContext.close();
  };
}

export async function startWhipPublisher(browser: Browser, options: WhipPublisherOptions): Promise<WhipPublisher> {
  const { page, close } = await openLatencyPage(browser, 'whip publisher', 'glint-webrtc');
  const stamps = new Map<number, FrameStamps>();
  let painted = 0;
  try {
    await page.exposeFunction('__glintStamps', (batch: number[]) => {
      for (let i = 0; i + 1 < batch.length; i += 2) {
        stamps.set(batch[i] as number, { captured: batch[i + 1] as number });
        painted++;
      }
    });
    await page.evaluate(startInPage, {
      whipUrl: options.whipUrl,
      streamKey: options.streamKey,
      fps: options.fps ?? 30,
      width: options.width ?? 640,
      height: options.height ?? 360,
    });
  } catch (error) {
    await close();
    throw error;
  }
  let stopped = false;
  return {
    stamps: () => stamps,
    painted: () => painted,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await page
        .evaluate(() => (window as unknown as { __stopPublisher?: () => Promise<void> }).__stopPublisher?.())
        .catch(() => {});
      await close();
    },
  };
}
