/**
 * Child process: the load generator. Its werift viewers play WHEP sessions (ICE, DTLS, RTCP, NACKs, as a real
 * client) and count the RTP packets they get; its bare UDP sockets count what the peer (a plain dgram fan-out)
 * sends them. Counting reads sequence numbers only.
 *
 * Every viewer decrypts and authenticates SRTP as a real client does (a packet that fails is dropped and shows as
 * lost); a werift client costs about as much CPU per packet as the SFU, so the load generators need a core of
 * their own at ~150 viewers: their CPU is reported beside the SFU's.
 */
import { createSocket, type Socket } from 'node:dgram';
import { startStunResponder, until } from '@glint/testkit';
import { clientPeer, completeOffer } from '@glint/testkit/media-server';
import type { RTCPeerConnection } from 'werift';
import type { AddViewersResult, LoadCommand, ReadyMessage, SnapshotResult } from './protocol.ts';
import { serveRpc } from './protocol.ts';
import { SeqCounter } from './seq-counter.ts';

interface Viewer {
  readonly pc: RTCPeerConnection;
  readonly counter: SeqCounter;
}

const stun = await startStunResponder();
const viewers: Viewer[] = [];
const sockets: Array<{ socket: Socket; counter: SeqCounter }> = [];

async function addViewer(whepUrl: string): Promise<void> {
  const pc = clientPeer({ stunUrl: stun.url, video: 'h264' });
  const counter = new SeqCounter();
  try {
    pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((packet) => counter.push(packet.header.sequenceNumber));
    });
    const { sdp } = await completeOffer(pc, { video: true }, 'recvonly');
    const res = await fetch(whepUrl, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: sdp });
    const body = await res.text();
    if (res.status !== 201) throw new Error(`WHEP answered ${res.status}: ${body.slice(0, 200)}`);
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
    await until(() => pc.connectionState === 'connected', { what: 'the viewer to connect', timeoutMs: 15_000 });
    await until(() => counter.counts().received > 0, { what: 'the first packet' });
    viewers.push({ pc, counter });
  } catch (error) {
    await pc.close().catch(() => {});
    throw error;
  }
}

async function addViewers(whepUrl: string, count: number, concurrency: number): Promise<AddViewersResult> {
  let next = 0;
  let connected = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (next < count) {
      next++;
      try {
        await addViewer(whepUrl);
        connected++;
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { connected, failed, ...(firstError !== undefined ? { firstError } : {}) };
}

async function openSockets(count: number): Promise<number[]> {
  for (let i = 0; i < count; i++) {
    const socket = createSocket('udp4');
    const counter = new SeqCounter();
    socket.on('message', (packet) => {
      if (packet.length >= 12) counter.push(packet.readUInt16BE(2));
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    sockets.push({ socket, counter });
  }
  return sockets.map((s) => s.socket.address().port);
}

serveRpc<LoadCommand>(async (command) => {
  switch (command.type) {
    case 'add-viewers':
      return addViewers(command.whepUrl, command.count, command.concurrency);
    case 'close-viewers':
      await Promise.all(viewers.splice(0).map((v) => v.pc.close().catch(() => {})));
      return null;
    case 'open-sockets':
      return openSockets(command.count);
    case 'close-sockets':
      for (const { socket } of sockets.splice(0)) socket.close();
      return null;
    case 'snapshot': {
      const usage = process.cpuUsage();
      return {
        viewers: viewers.map((v) => v.counter.counts()),
        sockets: sockets.map((s) => s.counter.counts()),
        cpuMs: (usage.user + usage.system) / 1000,
      } satisfies SnapshotResult;
    }
  }
});

process.send?.({ type: 'ready' } satisfies ReadyMessage);
