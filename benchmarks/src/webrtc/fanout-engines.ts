/**
 * The SFU engines the fan-out measure compares, each behind the same test server (WHIP/WHEP routes, werift WHIP
 * publisher leg), and how each one's cost is read: werift forwards in this process; mediasoup in a C++ worker
 * process, whose CPU is added to this process's (which still receives the WHIP publish and copies each packet into
 * the worker's loopback socket).
 */
import {
  loadMediasoup,
  MediasoupSfu,
  readyMediasoup,
  SFU_DEFAULTS,
  type SfuEngine,
  weriftOf,
} from '@glint/media-server';
import { startWebrtcTestServer, type WebrtcTestServer } from '@glint/testkit/media-server';
import { procCpuMs, selfCpuMs } from '../ingest/cpu.ts';

export type FanoutEngine = 'werift' | 'mediasoup';

/** The test server's options common to both engines (the WeriftSfu's own options are werift's alone). */
type ServerOptions = Omit<NonNullable<Parameters<typeof startWebrtcTestServer>[1]>, 'sfu'>;

/** mediasoup with one worker: one core against werift's one Node thread. */
export const MEDIASOUP_WORKERS = 1;

export interface EngineUnderTest {
  readonly engine: FanoutEngine;
  /** The row label of its steps. */
  readonly label: string;
  readonly server: WebrtcTestServer<SfuEngine>;
  /** CPU time (ms) so far of everything that forwards: this process, plus mediasoup's worker. */
  readonly cpuMs: () => number;
  /** CPU time (ms) so far of mediasoup's worker alone; null for werift. */
  readonly workerCpuMs: (() => number) | null;
  /** Packets handed to viewers so far (werift counts them); null: count what the viewers received. */
  readonly packetsSent: (() => number) | null;
  /** Packets resent on NACK so far; null where the engine does not expose it (mediasoup). */
  readonly retransmitted: (() => number) | null;
}

/** Why an engine cannot run on this machine, or null when it can. */
export function engineMissing(engine: FanoutEngine): string | null {
  if (engine === 'werift' || readyMediasoup()) return null;
  return 'the mediasoup worker is not built (npm run sfu:build builds it once, about 3–10 minutes)';
}

export async function startEngine(
  engine: FanoutEngine,
  channel: string,
  options: ServerOptions,
): Promise<EngineUnderTest> {
  if (engine === 'werift') {
    const server = await startWebrtcTestServer([channel], options);
    const sfu = weriftOf(server.sfu);
    return {
      engine,
      label: 'Glint werift (WeriftSfu)',
      server,
      cpuMs: selfCpuMs,
      workerCpuMs: null,
      packetsSent: () => sfu.subscribers(channel).reduce((n, s) => n + s.packetsSent, 0),
      retransmitted: () => sfu.subscribers(channel).reduce((n, s) => n + s.retransmitted, 0),
    };
  }
  const build = readyMediasoup();
  if (!build) throw new Error(engineMissing(engine) ?? 'no mediasoup build');
  const sfu = await MediasoupSfu.start({
    mediasoup: loadMediasoup(build),
    workerBin: build.workerBin,
    workers: MEDIASOUP_WORKERS,
    keyframeIntervalMs: SFU_DEFAULTS.keyframeIntervalMs,
  });
  const pids = sfu.workerPids;
  const server = await startWebrtcTestServer([channel], { ...options, engine: sfu });
  const workerCpuMs = () => pids.reduce((n, pid) => n + procCpuMs(pid), 0);
  return {
    engine,
    label: `Glint mediasoup (${MEDIASOUP_WORKERS} worker)`,
    server,
    cpuMs: () => selfCpuMs() + workerCpuMs(),
    workerCpuMs,
    packetsSent: null,
    retransmitted: null,
  };
}
