/**
 * Browser-side WHIP publishing and WHEP viewing, run in a Playwright page with the player's one WHIP/WHEP client
 * (`window.glintWebrtc`, bundled from @glint/player): non-trickle (the offer is sent once ICE gathering is complete),
 * as the watch page and a web studio do.
 */
import { webrtcClientScript } from '@glint/player/build';
import type { Page } from 'playwright-core';

export interface PageSession {
  readonly status: number | null;
  /** `Location` as the server sent it. */
  readonly location: string | null;
  /** The session's absolute URL. */
  readonly resource: string | null;
  readonly error?: string;
}

/** Adds the client to the page (once per document) as `window.glintWebrtc`. */
export async function loadWebrtcClient(page: Page): Promise<void> {
  if (await page.evaluate(() => 'glintWebrtc' in window)) return;
  await page.addScriptTag({ content: await webrtcClientScript() });
}

/** getUserMedia (fake camera and mic) → WHIP with the stream key; the session is kept as `window.__publisher`. */
export async function publishFromPage(page: Page, whipUrl: string, streamKey: string): Promise<PageSession> {
  await loadWebrtcClient(page);
  return page.evaluate(
    async ({ url, key }) => {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { width: 640, height: 360, frameRate: 30 },
        audio: true,
      });
      const { whipPublish, SignalingError } = window.glintWebrtc;
      try {
        const session = await whipPublish(url, stream, { token: key });
        (window as unknown as Record<string, unknown>).__publisher = session;
        return { status: 201, location: session.resource.location, resource: session.resource.url };
      } catch (error) {
        if (!(error instanceof SignalingError)) throw error;
        return { status: error.status, location: null, resource: null, error: error.message };
      }
    },
    { url: whipUrl, key: streamKey },
  );
}

/** WHEP (video + audio) → play into the page's <video>; records when it connected and when the first frame showed. */
export async function viewFromPage(page: Page, whepUrl: string): Promise<PageSession> {
  await loadWebrtcClient(page);
  return page.evaluate(async (url) => {
    const w = window as unknown as Record<string, unknown>;
    const startedAt = performance.now();
    w.__viewStartedAt = startedAt;
    const video = document.querySelector('video') as HTMLVideoElement;
    const { whepPlay, SignalingError } = window.glintWebrtc;
    try {
      const session = await whepPlay(url, {
        onTrack: (event) => {
          if (event.track.kind !== 'video') return;
          video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
          video.requestVideoFrameCallback(() => {
            w.__firstFrameMs = performance.now() - startedAt;
          });
          void video.play();
        },
        beforeOffer: (pc) =>
          pc.addEventListener('connectionstatechange', () => {
            if (pc.connectionState === 'connected') w.__connectedMs = performance.now() - startedAt;
          }),
      });
      w.__viewer = session;
      return { status: 201, location: session.resource.location, resource: session.resource.url };
    } catch (error) {
      if (!(error instanceof SignalingError)) throw error;
      return { status: error.status, location: null, resource: null, error: error.message };
    }
  }, whepUrl);
}

/** Ends the page's publisher or viewer session (DELETE to its resource, WHIP's with the key); the DELETE's status. */
export function stopFromPage(page: Page, which: 'publisher' | 'viewer'): Promise<number | null> {
  return page.evaluate(
    async (key) => {
      const session = (window as unknown as Record<string, { stop(): Promise<number | null> } | undefined>)[key];
      if (!session) throw new Error(`the page has no ${key.slice(2)} session`);
      return session.stop();
    },
    which === 'publisher' ? '__publisher' : '__viewer',
  );
}

export interface InboundVideoStats {
  readonly atMs: number;
  readonly framesDecoded: number;
  readonly framesPerSecond: number;
  readonly freezeCount: number;
  readonly totalFreezesDurationSec: number;
  readonly jitterBufferDelaySec: number;
  readonly jitterBufferEmittedCount: number;
  readonly packetsLost: number;
  readonly nackCount: number;
  readonly pliCount: number;
  readonly frameWidth: number;
  readonly frameHeight: number;
  readonly codec: string;
  readonly audioPacketsReceived: number;
  readonly connectedMs: number | null;
  readonly firstFrameMs: number | null;
}

/** The viewer's inbound video stats (RTCInboundRtpStreamStats) plus the page's connect and first-frame times. */
export async function viewerStats(page: Page): Promise<InboundVideoStats | null> {
  return page.evaluate(async () => {
    const w = window as unknown as Record<string, unknown>;
    const pc = (w.__viewer as { pc: RTCPeerConnection } | undefined)?.pc;
    if (!pc) return null;
    const report = await pc.getStats();
    let inbound: Record<string, unknown> | undefined;
    let audio = 0;
    const byId = new Map<string, Record<string, unknown>>();
    report.forEach((s: Record<string, unknown>) => {
      byId.set(s.id as string, s);
      if (s.type === 'inbound-rtp' && s.kind === 'video') inbound = s;
      if (s.type === 'inbound-rtp' && s.kind === 'audio') audio = Number(s.packetsReceived ?? 0);
    });
    if (!inbound) return null;
    const n = (key: string) => Number(inbound?.[key] ?? 0);
    const codec = byId.get(String(inbound.codecId ?? ''));
    return {
      atMs: performance.now(),
      framesDecoded: n('framesDecoded'),
      framesPerSecond: n('framesPerSecond'),
      freezeCount: n('freezeCount'),
      totalFreezesDurationSec: n('totalFreezesDuration'),
      jitterBufferDelaySec: n('jitterBufferDelay'),
      jitterBufferEmittedCount: n('jitterBufferEmittedCount'),
      packetsLost: n('packetsLost'),
      nackCount: n('nackCount'),
      pliCount: n('pliCount'),
      frameWidth: n('frameWidth'),
      frameHeight: n('frameHeight'),
      codec: `${codec?.mimeType ?? '?'} ${codec?.sdpFmtpLine ?? ''}`,
      audioPacketsReceived: audio,
      connectedMs: (w.__connectedMs as number | undefined) ?? null,
      firstFrameMs: (w.__firstFrameMs as number | undefined) ?? null,
    };
  });
}

/** Publisher-side outbound video: what Chromium's encoder actually sends. */
export async function publisherStats(page: Page): Promise<Record<string, unknown> | null> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { __publisher?: { pc: RTCPeerConnection } }).__publisher?.pc;
    if (!pc) return null;
    const report = await pc.getStats();
    let out: Record<string, unknown> | null = null;
    report.forEach((s: Record<string, unknown>) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') out = s;
    });
    return out;
  });
}
