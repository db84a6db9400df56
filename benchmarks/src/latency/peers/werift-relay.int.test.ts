import { launchChromium, type StunResponder, startBlankOrigin, startStunResponder, until } from '@glint/testkit';
import { clientPeer, completeOffer, fakeH264Packet } from '@glint/testkit/media-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RTCRtpTransceiver, RTCPeerConnection as WeriftPeer } from 'werift';
import { filterOfferCodecs } from './sdp-filter.ts';
import { startWeriftRelay, type WeriftRelay } from './werift-relay.ts';

describe('bare werift relay', () => {
  let relay: WeriftRelay;
  let stun: StunResponder;
  const peers: WeriftPeer[] = [];
  let timer: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    stun = await startStunResponder();
    relay = await startWeriftRelay();
  });

  afterAll(async () => {
    clearInterval(timer);
    for (const pc of peers) await pc.close();
    await relay?.stop();
    await stun?.close();
  });

  const post = async (url: string, sdp: string) => {
    const res = await fetch(url, { method: 'POST', body: sdp, headers: { 'Content-Type': 'application/sdp' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(/^\/wh[ie]p\/session\/[0-9a-f-]{36}$/);
    return { answer: await res.text(), location: res.headers.get('location') ?? '' };
  };

  it('forwards a werift publisher to two werift viewers and their PLIs back to it', async () => {
    const publisher = clientPeer({ stunUrl: stun.url });
    peers.push(publisher);
    const offer = await completeOffer(publisher, { video: true, audio: true }, 'sendonly');
    const { answer } = await post(relay.whipUrl, offer.sdp);
    await publisher.setRemoteDescription({ type: 'answer', sdp: answer });
    await until(() => publisher.connectionState === 'connected', { what: 'the publisher to connect' });
    const video = offer.transceivers[0] as RTCRtpTransceiver;
    let plis = 0;
    video.sender.onPictureLossIndication.subscribe(() => plis++);
    let frame = 0;
    timer = setInterval(() => void video.sender.sendRtp(fakeH264Packet(frame++)), 33);

    const received: Buffer[][] = [];
    const viewers = [];
    for (let i = 0; i < 2; i++) {
      const viewer = clientPeer({ stunUrl: stun.url });
      peers.push(viewer);
      const packets: Buffer[] = [];
      received.push(packets);
      viewer.onTrack.subscribe((track) => {
        if (track.kind === 'video') track.onReceiveRtp.subscribe((rtp) => packets.push(Buffer.from(rtp.payload)));
      });
      const view = await completeOffer(viewer, { video: true, audio: true }, 'recvonly');
      await viewer.setRemoteDescription({ type: 'answer', sdp: (await post(relay.whepUrl, view.sdp)).answer });
      viewers.push({ viewer, view });
    }
    await until(() => received.every((p) => p.length >= 20), { what: '20 video packets at each viewer' });
    // Payloads arrive as sent: the fake encoder fills each with its frame number.
    const first = received[0]?.[0];
    expect(first?.length).toBe(200);
    expect(plis).toBeGreaterThanOrEqual(1); // one per viewer that connected (coalesced within 300 ms)
    const before = plis;
    await new Promise((resolve) => setTimeout(resolve, 350));
    const track = viewers[0]?.view.transceivers[0]?.receiver;
    const ssrc = track?.tracks[0]?.ssrc;
    expect(ssrc).toBeDefined();
    await track?.sendRtcpPLI(ssrc ?? 0);
    await until(() => plis > before, { what: "a viewer's PLI to reach the publisher" });
    expect(relay.stats().viewers).toBe(2);
  }, 20_000);

  it('keeps only H.264 42e01f packetization-mode 1 and Opus in an offer', () => {
    const offer = [
      'v=0',
      'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103',
      'a=rtpmap:96 VP8/90000',
      'a=rtcp-fb:96 nack',
      'a=rtpmap:97 rtx/90000',
      'a=fmtp:97 apt=96',
      'a=rtpmap:102 H264/90000',
      'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
      'a=rtcp-fb:102 nack pli',
      'a=rtpmap:103 H264/90000',
      'a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f',
      'a=mid:0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 63',
      'a=rtpmap:111 opus/48000/2',
      'a=rtpmap:63 red/48000/2',
      '',
    ].join('\r\n');
    expect(filterOfferCodecs(offer)).toBe(
      [
        'v=0',
        'm=video 9 UDP/TLS/RTP/SAVPF 102',
        'a=rtpmap:102 H264/90000',
        'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
        'a=rtcp-fb:102 nack pli',
        'a=mid:0',
        'm=audio 9 UDP/TLS/RTP/SAVPF 111',
        'a=rtpmap:111 opus/48000/2',
        '',
      ].join('\r\n'),
    );
  });

  it('answers an unknown path with 404 and a bad offer with 400, and keeps serving', async () => {
    expect((await fetch(relay.whipUrl.replace('/whip', '/nope'), { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await fetch(relay.whepUrl, { method: 'POST', body: 'not sdp' })).status).toBe(400);
    expect(relay.stats().viewers).toBe(2);
  });
});

describe('bare werift relay with Chromium on both ends', () => {
  let browser: Browser;
  let relay: WeriftRelay;

  beforeAll(async () => {
    browser = await launchChromium({ webrtc: true });
    relay = await startWeriftRelay();
  });

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
  });

  it('shows the fake camera published over WHIP in a WHEP viewer', async () => {
    const origin = await startBlankOrigin();
    try {
      const pub = await browser.newPage();
      await pub.goto(origin.url);
      await pub.evaluate(async (whip) => {
        const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
        const pc = new RTCPeerConnection();
        for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
        await pc.setLocalDescription(await pc.createOffer());
        await new Promise<void>((resolve) => {
          if (pc.iceGatheringState === 'complete') resolve();
          pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
        });
        const res = await fetch(whip, {
          method: 'POST',
          body: pc.localDescription?.sdp ?? '',
          headers: { 'Content-Type': 'application/sdp' },
        });
        await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
        (window as unknown as { pc: RTCPeerConnection }).pc = pc;
      }, relay.whipUrl);
      const viewer = await browser.newPage();
      await viewer.goto(origin.url);
      await viewer.evaluate(async (whep) => {
        const pc = new RTCPeerConnection();
        pc.addTransceiver('video', { direction: 'recvonly' });
        pc.addTransceiver('audio', { direction: 'recvonly' });
        const video = document.querySelector('video') as HTMLVideoElement;
        pc.ontrack = (event) => {
          if (event.track.kind === 'video') video.srcObject = new MediaStream([event.track]);
        };
        await pc.setLocalDescription(await pc.createOffer());
        await new Promise<void>((resolve) => {
          if (pc.iceGatheringState === 'complete') resolve();
          pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
        });
        const res = await fetch(whep, {
          method: 'POST',
          body: pc.localDescription?.sdp ?? '',
          headers: { 'Content-Type': 'application/sdp' },
        });
        await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
        (window as unknown as { pc: RTCPeerConnection }).pc = pc;
      }, relay.whepUrl);
      await viewer.waitForFunction(
        () => {
          const video = document.querySelector('video') as HTMLVideoElement;
          return video.videoWidth > 0 && (video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0) > 10;
        },
        undefined,
        { timeout: 15_000 },
      );
      const codec = await viewer.evaluate(async () => {
        const stats = await (window as unknown as { pc: RTCPeerConnection }).pc.getStats();
        const codecs = [...stats.values()] as { type: string; mimeType?: string }[];
        return codecs.find((s) => s.type === 'codec' && String(s.mimeType).startsWith('video'))?.mimeType;
      });
      expect(codec).toBe('video/H264');
    } finally {
      await origin.close();
    }
  }, 30_000);
});
