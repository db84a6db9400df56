/**
 * Browser-side WHIP publishing and WHEP viewing, run in a Playwright page: plain RTCPeerConnection and fetch,
 * non-trickle (the offer is sent once ICE gathering is complete), as a web studio or player would.
 */
import type { Page } from 'playwright-core';

export interface PageSession {
  readonly status: number;
  readonly location: string | null;
  readonly resource: string | null;
  readonly error?: string;
}

/** getUserMedia (fake camera and mic) → sendonly transceivers → POST the offer with the stream key. */
export async function publishFromPage(page: Page, whipUrl: string, streamKey: string): Promise<PageSession> {
  return page.evaluate(
    async ({ url, key }) => {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { width: 640, height: 360, frameRate: 30 },
        audio: true,
      });
      const pc = new RTCPeerConnection();
      for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
      await pc.setLocalDescription();
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      });
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${key}` },
        body: pc.localDescription?.sdp ?? '',
      });
      const location = res.headers.get('Location');
      const body = await res.text();
      if (res.status !== 201) return { status: res.status, location, resource: null, error: body };
      await pc.setRemoteDescription({ type: 'answer', sdp: body });
      (window as unknown as Record<string, unknown>).__publisher = pc;
      return { status: res.status, location, resource: location ? new URL(location, url).href : null };
    },
    { url: whipUrl, key: streamKey },
  );
}

/** recvonly video + audio → POST the offer → play into the page's <video>; records when the first frame shows. */
export async function viewFromPage(page: Page, whepUrl: string): Promise<PageSession> {
  return page.evaluate(async (url) => {
    const w = window as unknown as Record<string, unknown>;
    const startedAt = performance.now();
    w.__viewStartedAt = startedAt;
    const pc = new RTCPeerConnection();
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    const video = document.querySelector('video') as HTMLVideoElement;
    pc.addEventListener('track', (event) => {
      if (event.track.kind !== 'video') return;
      video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      video.requestVideoFrameCallback(() => {
        w.__firstFrameMs = performance.now() - startedAt;
      });
      void video.play();
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') w.__connectedMs = performance.now() - startedAt;
    });
    await pc.setLocalDescription();
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp' },
      body: pc.localDescription?.sdp ?? '',
    });
    const location = res.headers.get('Location');
    const body = await res.text();
    if (res.status !== 201) return { status: res.status, location, resource: null, error: body };
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
    w.__viewer = pc;
    return { status: res.status, location, resource: location ? new URL(location, url).href : null };
  }, whepUrl);
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
    const pc = w.__viewer as RTCPeerConnection | undefined;
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
    const pc = (window as unknown as Record<string, unknown>).__publisher as RTCPeerConnection | undefined;
    if (!pc) return null;
    const report = await pc.getStats();
    let out: Record<string, unknown> | null = null;
    report.forEach((s: Record<string, unknown>) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') out = s;
    });
    return out;
  });
}
