/**
 * Test helper: a Chromium page as a bare WHEP viewer of an SFU called directly (no HTTP): its recvonly offer out,
 * the SFU's answer in, and its inbound video stats. Not part of the runtime code.
 */
import type { Browser, Page } from 'playwright-core';

export interface InboundVideo {
  readonly framesDecoded: number;
  readonly freezeCount: number;
  readonly totalFreezesDuration: number;
  readonly frameHeight: number;
  readonly packetsLost: number;
  /** Audio packets received (0 without an audio section). */
  readonly audioPackets: number;
}

/** A new page with a recvonly peer connection (video, and audio when asked), its offer after ICE gathering. */
export async function viewerOffer(
  browser: Browser,
  options: { audio?: boolean } = {},
): Promise<{ page: Page; offer: string }> {
  const page = await browser.newPage();
  const offer = await page.evaluate(async (withAudio) => {
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    if (withAudio) pc.addTransceiver('audio', { direction: 'recvonly' });
    const video = document.createElement('video');
    video.muted = true;
    document.body.append(video);
    pc.ontrack = (event) => {
      if (event.track.kind !== 'video') return;
      video.srcObject = new MediaStream([event.track]);
      void video.play();
    };
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolve();
      });
    });
    (window as unknown as { __pc: RTCPeerConnection }).__pc = pc;
    return pc.localDescription?.sdp ?? '';
  }, options.audio ?? false);
  return { page, offer };
}

export async function applyAnswer(page: Page, sdp: string): Promise<void> {
  await page.evaluate(async (answer) => {
    const pc = (window as unknown as { __pc: RTCPeerConnection }).__pc;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  }, sdp);
}

/** The page's inbound video (and audio packet count), or null before its video track has stats. */
export async function inboundVideo(page: Page): Promise<InboundVideo | null> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { __pc?: RTCPeerConnection }).__pc;
    if (!pc) return null;
    let inbound: Record<string, number> | undefined;
    let audioPackets = 0;
    (await pc.getStats()).forEach((s: Record<string, number | string>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') inbound = s as Record<string, number>;
      if (s.type === 'inbound-rtp' && s.kind === 'audio') audioPackets = Number(s.packetsReceived ?? 0);
    });
    if (!inbound) return null;
    const n = (k: string) => Number(inbound?.[k] ?? 0);
    return {
      framesDecoded: n('framesDecoded'),
      freezeCount: n('freezeCount'),
      totalFreezesDuration: n('totalFreezesDuration'),
      frameHeight: n('frameHeight'),
      packetsLost: n('packetsLost'),
      audioPackets,
    };
  });
}
