import { type Fixture, interleave } from '@glint/testkit';
import { progress } from '../lib/progress.ts';
import { BlockedBench, type BlockedConfig, type BlockedRound } from './blocked-server.ts';
import { fdUsage } from './fd-limit.ts';
import { prepareInput } from './mux-cost.ts';

/** Requests the goal asks to hold. */
export const GOAL_HELD = 20_000;
/** Descriptors kept free in each process for everything that is not a viewer's socket. */
const FD_RESERVE = 64;
const PIPELINE_DEPTH = 10;
export const PEER_LABEL = 'peer: bare node:http';

export interface BlockedRun {
  readonly rounds: BlockedRound[];
  readonly retried: Record<string, number>;
  readonly configs: BlockedConfig[];
  readonly limits: {
    readonly serverFdLimit: number;
    readonly serverOpenFds: number;
    readonly clientFdLimit: number;
    readonly clientOpenFds: number;
    readonly maxSockets: number;
    readonly connected: number;
    readonly connectMs: number;
  };
}

/** Measure (b): connects once, then runs each configuration on the first N of those connections. */
export async function runBlocked(media: Fixture, onBench: (bench: BlockedBench) => void): Promise<BlockedRun> {
  const input = prepareInput(media, 'annexb');
  const items = interleave(media.video, media.audio);
  // Shift each repetition by the media's length rounded up to a video frame, so timestamps only go forward.
  const frame90k = Math.round(90000 / media.spec.fps);
  const loop90k = Math.ceil(media.duration90k / frame90k) * frame90k;
  const bench = new BlockedBench(items, loop90k, input.configure);
  onBench(bench);
  const p = progress('blocked');
  try {
    p.update('starting server, live feed and load generator');
    const started = await bench.start();
    const server = fdUsage();
    const maxSockets = Math.min(
      GOAL_HELD,
      server.limit - server.open - FD_RESERVE,
      started.clientFdLimit - started.clientOpenFds - FD_RESERVE,
    );
    p.update(`connecting ${maxSockets.toLocaleString('en-US')} sockets`);
    const connected = await bench.connect(started.port, maxSockets);
    if (connected.sockets < maxSockets) {
      throw new Error(`only ${connected.sockets} of ${maxSockets} connections opened (${connected.failed} failed)`);
    }
    await bench.waitForSegments(3, 10_000);
    const top = connected.sockets;
    const configs: BlockedConfig[] = [
      { label: 'LlhlsHttp', sockets: 500, perSocket: 1, rounds: 5, bare: false },
      { label: 'LlhlsHttp', sockets: 1000, perSocket: 1, rounds: 5, bare: false },
      { label: 'LlhlsHttp', sockets: 5000, perSocket: 1, rounds: 5, bare: false },
      { label: 'LlhlsHttp', sockets: top, perSocket: 1, rounds: 10, bare: false },
      { label: PEER_LABEL, sockets: top, perSocket: 1, rounds: 5, bare: true },
      {
        label: `LlhlsHttp, ${PIPELINE_DEPTH} pipelined per socket`,
        sockets: GOAL_HELD / PIPELINE_DEPTH,
        perSocket: PIPELINE_DEPTH,
        rounds: 5,
        bare: false,
      },
    ];
    const rounds: BlockedRound[] = [];
    const retried: Record<string, number> = {};
    let nextId = 1;
    for (const config of configs) {
      const key = `${config.label} (${config.sockets * config.perSocket})`;
      let done = 0;
      let attempts = 0;
      while (done < config.rounds && attempts < config.rounds * 2) {
        attempts++;
        p.update(`${key}: round ${done + 1}/${config.rounds}`);
        const round = await bench.round(config, nextId++);
        if (round) {
          rounds.push(round);
          done++;
        } else {
          retried[key] = (retried[key] ?? 0) + 1;
        }
      }
    }
    p.done(`${rounds.length} rounds measured`);
    return {
      rounds,
      retried,
      configs,
      limits: {
        serverFdLimit: server.limit,
        serverOpenFds: server.open,
        clientFdLimit: started.clientFdLimit,
        clientOpenFds: started.clientOpenFds,
        maxSockets,
        connected: connected.sockets,
        connectMs: connected.ms,
      },
    };
  } finally {
    await bench.stop();
  }
}
