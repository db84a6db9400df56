/**
 * Child process: the load generator. Its viewers play WHEP sessions (ICE, DTLS, SRTP, RTCP, as a real client) and
 * count the RTP packets they get; its bare UDP sockets count what the peer (a plain dgram fan-out) sends them.
 * Counting reads sequence numbers only.
 *
 * Every viewer decrypts and authenticates SRTP as a real client does (a packet that fails is dropped and shows as
 * lost). Each 'add-viewers' command names the client: werift (all in JS: about as much CPU per packet as werift's
 * SFU, a core of its own at ~100–150 viewers) or node-datachannel (libdatachannel: ICE, DTLS and SRTP in C++,
 * about half that). Their CPU is reported beside the SFU's.
 */
import { createSocket, type Socket } from 'node:dgram';
import { startStunResponder } from '@glint/testkit';
import { connectDatachannelViewer } from './datachannel-viewer.ts';
import type { AddViewersResult, LoadCommand, ReadyMessage, SnapshotResult, ViewerClient } from './protocol.ts';
import { serveRpc } from './protocol.ts';
import { SeqCounter } from './seq-counter.ts';
import { connectWeriftViewer } from './werift-viewer.ts';
import type { WhepViewer } from './whep-viewer.ts';

const stun = await startStunResponder();
const viewers: WhepViewer[] = [];
const sockets: Array<{ socket: Socket; counter: SeqCounter }> = [];

function connectViewer(whepUrl: string, client: ViewerClient): Promise<WhepViewer> {
  return client === 'datachannel' ? connectDatachannelViewer(whepUrl) : connectWeriftViewer(whepUrl, stun.url);
}

async function addViewers(
  whepUrl: string,
  count: number,
  concurrency: number,
  client: ViewerClient,
): Promise<AddViewersResult> {
  let next = 0;
  let connected = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (next < count) {
      next++;
      try {
        viewers.push(await connectViewer(whepUrl, client));
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
      return addViewers(command.whepUrl, command.count, command.concurrency, command.client ?? 'werift');
    case 'close-viewers':
      await Promise.all(viewers.splice(0).map((v) => v.close()));
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
