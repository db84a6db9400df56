/**
 * The process bench:sfu:instructions runs under callgrind: the synthetic H.264 source and one forwarder, either an
 * SFU engine behind the WHIP/WHEP test server (werift in this process; mediasoup with one worker, itself traced) or,
 * for the peer, a dgram fan-out of the same packets to plain UDP sockets. The receivers live in an untraced child of
 * the benchmark. `--forwarder=peer|werift|mediasoup`; exits when the benchmark goes away.
 */
import type { Socket } from 'node:dgram';
import { loadMediasoup, MediasoupSfu, readyMediasoup, SFU_DEFAULTS, type SfuEngine } from '@glint/media-server';
import { startWebrtcTestServer, type WebrtcTestServer } from '@glint/testkit/media-server';
import { connectedSocket } from '../webrtc/load-generators.ts';
import { serveRpc } from '../webrtc/protocol.ts';
import { PacedSource } from './paced-source.ts';
import type { Forwarder, HarnessCommand, HarnessReady, HarnessStats } from './protocol.ts';
import { CHANNEL, SOURCE_PATTERN } from './settings.ts';

const forwarder = process.argv.find((a) => a.startsWith('--forwarder='))?.slice('--forwarder='.length) as Forwarder;
if (!['peer', 'werift', 'mediasoup'].includes(forwarder)) throw new Error(`unknown --forwarder=${forwarder}`);

// Every receiver connects from 127.0.0.1: the per-address offer limits would refuse a few in a row.
const OFFER_ADMISSION = { offerBurst: 1000, offersPerSecond: 1000, maxPending: 100, maxPendingPerAddress: 100 };

const source = new PacedSource(CHANNEL, SOURCE_PATTERN);
const targets: Socket[] = [];
let server: WebrtcTestServer<SfuEngine> | undefined;
let workerPids: number[] = [];

if (forwarder === 'peer') {
  source.rtp.onRtp('video', (packet) => {
    for (const socket of targets) socket.send(packet);
  });
} else if (forwarder === 'werift') {
  server = await startWebrtcTestServer([CHANNEL], { offerAdmission: OFFER_ADMISSION });
} else {
  const build = readyMediasoup();
  if (!build) throw new Error('the mediasoup worker is not built (npm run sfu:build)');
  const sfu = await MediasoupSfu.start({
    mediasoup: loadMediasoup(build),
    workerBin: build.workerBin,
    workers: 1,
    keyframeIntervalMs: SFU_DEFAULTS.keyframeIntervalMs,
  });
  workerPids = sfu.workerPids;
  server = await startWebrtcTestServer([CHANNEL], { engine: sfu, offerAdmission: OFFER_ADMISSION });
}
server?.sfu.addSource(source.rtp);
source.start();

serveRpc<HarnessCommand>(async (command) => {
  switch (command.type) {
    case 'connect-sockets':
      for (const port of command.ports) targets.push(await connectedSocket(port));
      return targets.length;
    case 'close-sockets':
      for (const socket of targets.splice(0)) socket.close();
      return null;
    case 'stats':
      return {
        packetsIn: source.packetsSent,
        framesSkipped: source.framesSkipped,
        keyframeRequests: source.rtp.keyframeRequests,
        subscribers: server?.sfu.subscriberCount(CHANNEL) ?? targets.length,
      } satisfies HarnessStats;
    case 'collect-garbage':
      // node --expose-gc: the benchmark starts the harness with it.
      globalThis.gc?.();
      return null;
    case 'stop':
      source.stop();
      for (const socket of targets.splice(0)) socket.close();
      await server?.stop();
      setImmediate(() => process.exit(0));
      return null;
  }
});

process.send?.({
  type: 'ready',
  pids: [process.pid, ...workerPids],
  whepUrl: server ? server.url(`/whep/${CHANNEL}`) : null,
} satisfies HarnessReady);
