/**
 * Child process: a werift WHIP publisher. It binds a UDP port for ffmpeg's RTP, publishes over WHIP, and relays
 * every RTP packet it gets into its sender (werift rewrites SSRC and payload type to what was negotiated).
 */
import { createSocket } from 'node:dgram';
import { startStunResponder, until } from '@glint/testkit';
import { clientPeer, completeOffer } from '@glint/testkit/media-server';
import type { RTCRtpSender } from 'werift';
import { type PublisherCommand, type ReadyMessage, serveRpc } from './protocol.ts';

const stun = await startStunResponder();
const rtpIn = createSocket('udp4');
let sender: RTCRtpSender | undefined;
let relayed = 0;
rtpIn.on('message', (packet) => {
  if (!sender) return;
  relayed++;
  sender.sendRtp(packet).catch((error: unknown) => process.stderr.write(`publisher: sendRtp failed: ${error}\n`));
});
await new Promise<void>((resolve) => rtpIn.bind(0, '127.0.0.1', resolve));

serveRpc<PublisherCommand>(async (command) => {
  const pc = clientPeer({ stunUrl: stun.url, video: 'h264' });
  const { sdp, transceivers } = await completeOffer(pc, { video: true }, 'sendonly');
  const res = await fetch(command.whipUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${command.streamKey}` },
    body: sdp,
  });
  const body = await res.text();
  if (res.status !== 201) throw new Error(`WHIP answered ${res.status}: ${body.slice(0, 200)}`);
  await pc.setRemoteDescription({ type: 'answer', sdp: body });
  await until(() => pc.connectionState === 'connected', { what: 'the publisher to connect', timeoutMs: 15_000 });
  sender = transceivers[0]?.sender;
  return { relayed };
});

process.send?.({ type: 'ready', rtpPort: rtpIn.address().port } satisfies ReadyMessage);
