/**
 * What the two latency pages run (sent with page.evaluate, so each function is self-contained). The publisher
 * paints the time into a canvas at 30 fps and sends `canvas.captureStream(30)`; the viewer reads the time back from
 * every frame it presents and keeps displayTime − paintedTime. Both ends prefer H.264 (packetization mode 1,
 * constrained baseline), what the SFU forwards, so the direct peer runs the same codec. Offers, answers and the
 * WHIP/WHEP POST go through the player's one browser client (`window.glintWebrtc`).
 */
import { webrtcClientScript } from '@glint/player/build';
import type { Page } from 'playwright-core';
import { bandKit } from '../latency/band.ts';

export interface LatencySample {
  /** Wall clock (timeOrigin + expectedDisplayTime), ms. */
  readonly displayMs: number;
  readonly latencyMs: number;
}

/** esbuild (tsx) wraps named functions in `__name(...)`; pages get a stand-in so the kit's source runs there. */
export async function preparePage(page: Page, url: string): Promise<void> {
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.goto(url);
  await page.evaluate(`window.__kit = (${bandKit.toString()})();`);
  await page.addScriptTag({ content: await webrtcClientScript() });
}

/** Paints and captures the canvas; makes the send-only peer connection and a complete (non-trickle) offer. */
export function publisherOffer(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const w = window as unknown as Record<string, unknown>;
    const kit = w.__kit as import('../latency/band.ts').BandKit;
    const canvas = document.createElement('canvas');
    canvas.width = kit.width;
    canvas.height = kit.height;
    document.body.append(canvas);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    let frame = 0;
    const draw = () => kit.paint(ctx, performance.timeOrigin + performance.now(), frame++);
    draw();
    w.__painter = setInterval(draw, 1000 / 30);
    const track = canvas.captureStream(30).getVideoTracks()[0];
    if (!track) throw new Error('captureStream gave no video track');
    const pc = new RTCPeerConnection();
    const transceiver = pc.addTransceiver(track, { direction: 'sendonly' });
    const h264 = (RTCRtpSender.getCapabilities('video')?.codecs ?? []).filter(
      (c) => c.mimeType === 'video/H264' && /packetization-mode=1/.test(c.sdpFmtpLine ?? ''),
    );
    h264.sort((a, b) => Number(!/42e01f/.test(a.sdpFmtpLine ?? '')) - Number(!/42e01f/.test(b.sdpFmtpLine ?? '')));
    transceiver.setCodecPreferences(h264);
    w.__pc = pc;
    return window.glintWebrtc.completeLocalDescription(pc);
  });
}

/** Applies the answer and caps the encoder at 1.5 Mbit/s. */
export function publisherAnswer(page: Page, sdp: string): Promise<void> {
  return page.evaluate(async (answer) => {
    const pc = (window as unknown as Record<string, unknown>).__pc as RTCPeerConnection;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    const sender = pc.getSenders()[0];
    if (sender) {
      const params = sender.getParameters();
      for (const e of params.encodings) e.maxBitrate = 1_500_000;
      await sender.setParameters(params);
    }
  }, sdp);
}

/** WHIP (or WHEP) exchange from the page: POST the offer, return the answer; throws on anything but 201. */
export function postOffer(page: Page, url: string, sdp: string, streamKey?: string): Promise<string> {
  return page.evaluate(
    async ({ url, sdp, streamKey }) =>
      (await window.glintWebrtc.postOffer(url, sdp, { token: streamKey || undefined })).answer,
    { url, sdp, streamKey: streamKey ?? '' },
  );
}

/**
 * The viewer: a recv-only peer connection whose video plays muted; each presented frame is drawn to a canvas, its
 * stamp read, and displayTime − stamp kept (a frame presented twice counts once). `remoteOffer` given: answers it
 * (direct peer) and returns the answer; else returns its own offer (WHEP).
 */
export function viewerSetup(page: Page, remoteOffer?: string): Promise<string> {
  return page.evaluate(async (offer) => {
    const w = window as unknown as Record<string, unknown>;
    const kit = w.__kit as import('../latency/band.ts').BandKit;
    const samples: Array<{ displayMs: number; latencyMs: number }> = [];
    w.__samples = samples;
    w.__unreadable = 0;
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    document.body.append(video);
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2d context');
    let lastStamp = -1;
    const onFrame = (_now: number, metadata: VideoFrameCallbackMetadata) => {
      const displayMs = performance.timeOrigin + metadata.expectedDisplayTime;
      const vw = video.videoWidth;
      const vh = video.videoHeight;
      if (vw > 0 && vh > 0) {
        if (canvas.width !== vw || canvas.height !== vh) {
          canvas.width = vw;
          canvas.height = vh;
        }
        ctx.drawImage(video, 0, 0, vw, vh);
        const stamp = kit.read(ctx.getImageData(0, 0, vw, vh).data, vw, vh)?.ms;
        if (stamp === undefined) w.__unreadable = (w.__unreadable as number) + 1;
        else if (stamp !== lastStamp) {
          lastStamp = stamp;
          samples.push({ displayMs, latencyMs: kit.diff(Math.floor(displayMs) >>> 0, stamp) + (displayMs % 1) });
        }
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    const pc = new RTCPeerConnection();
    pc.addEventListener('track', (event) => {
      video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      void video.play();
    });
    w.__pc = pc;
    if (offer) await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    else pc.addTransceiver('video', { direction: 'recvonly' });
    return window.glintWebrtc.completeLocalDescription(pc);
  }, remoteOffer ?? '');
}

export function viewerAnswer(page: Page, sdp: string): Promise<void> {
  return page.evaluate(async (answer) => {
    const pc = (window as unknown as Record<string, unknown>).__pc as RTCPeerConnection;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  }, sdp);
}

export interface ViewerState {
  readonly samples: LatencySample[];
  readonly unreadable: number;
  readonly framesPerSecond: number;
  readonly frameWidth: number;
  readonly frameHeight: number;
  /** Mean jitter-buffer delay per emitted frame, ms. */
  readonly jitterBufferMs: number;
  readonly packetsLost: number;
  readonly codec: string;
}

export function viewerState(page: Page, fromIndex: number): Promise<ViewerState> {
  return page.evaluate(async (from) => {
    const w = window as unknown as Record<string, unknown>;
    const samples = (w.__samples as LatencySample[]).slice(from);
    const pc = w.__pc as RTCPeerConnection;
    let inbound: Record<string, unknown> = {};
    const byId = new Map<string, Record<string, unknown>>();
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      byId.set(String(s.id), s);
      if (s.type === 'inbound-rtp' && s.kind === 'video') inbound = s;
    });
    const n = (k: string) => Number(inbound[k] ?? 0);
    return {
      samples,
      unreadable: w.__unreadable as number,
      framesPerSecond: n('framesPerSecond'),
      frameWidth: n('frameWidth'),
      frameHeight: n('frameHeight'),
      jitterBufferMs: (n('jitterBufferDelay') / Math.max(1, n('jitterBufferEmittedCount'))) * 1000,
      packetsLost: n('packetsLost'),
      codec: String(byId.get(String(inbound.codecId))?.mimeType ?? '?'),
    };
  }, fromIndex);
}

/** How far this page's `timeOrigin + now()` is from the system clock, ms (to compare the two tabs' clocks). */
export function clockOffset(page: Page): Promise<number> {
  return page.evaluate(() => Date.now() - (performance.timeOrigin + performance.now()));
}

/** Stops painting and closes the peer connection, so the next run starts from nothing. */
export function closePage(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    clearInterval(w.__painter as number);
    (w.__pc as RTCPeerConnection | undefined)?.close();
  });
}
