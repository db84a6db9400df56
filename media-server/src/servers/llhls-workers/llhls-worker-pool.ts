/**
 * LL-HLS on every core: worker processes (node:cluster) share one listening port, each serving `/live/<channel>/…`
 * from replicas of the channels' packagers. The packagers stay in the primary with ingest; each update (the new parts
 * of one ingest call) is sent to every worker once, and every blocked request is parked and answered in a worker.
 * The kernel hands each new connection to one worker (SCHED_NONE: the primary never accepts).
 */
import cluster, { type Worker } from 'node:cluster';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type LivePackager, ReplicaFeed } from '@glint/llhls-packager';
import type { Logger } from '@glint/media-core';
import { type FromWorker, type ToWorker, WORKER_SETTINGS_ENV, type WorkerSettings } from './protocol.ts';

/** A channel's packager, as the workers serve it (a `ChannelOutput` is one). */
export interface ServedChannel {
  readonly channelId: string;
  readonly packager: LivePackager;
}

/** The channels to serve and their comings and goings (`LlhlsOutputs` is one). */
export interface ServedChannels {
  readonly all: readonly ServedChannel[];
  onChange(listener: (channel: ServedChannel, change: 'opened' | 'closed') => void): () => void;
}

export interface LlhlsWorkerPoolOptions {
  /** Worker processes. */
  readonly count: number;
  readonly host: string;
  /** 0: any free port (see `port` once started). */
  readonly port: number;
  readonly outputs: ServedChannels;
  /** Hears the viewer ids workers saw on playlist requests, per channel. */
  readonly onViewers: (channel: string, ids: readonly string[]) => void;
  readonly logger: Logger;
  /** Per worker. */
  readonly maxConnections: number;
  /** A client sends a whole request within this long (0: no deadline, for benchmarks only). */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long; default 5 s (as on the HTTP port). */
  readonly keepAliveTimeoutMs?: number;
  readonly startWaitMs: number;
  /** Distinct viewers a worker reports per channel per second; default 200,000. */
  readonly maxViewersPerReport?: number;
  /**
   * Updates sent to a worker and not yet taken up by it; past this the worker is stuck (or stopped) and is replaced,
   * rather than its backlog growing in the primary. Default 512 (several seconds of parts).
   */
  readonly maxBacklog?: number;
}

const WORKER_FILE = fileURLToPath(new URL('./llhls-worker-main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** A worker that dies is replaced after this long (doubling to 30 s while they keep dying within a minute). */
const RESTART_MS = 500;

interface Member {
  readonly worker: Worker;
  backlog: number;
  blocked: number;
  listening: boolean;
}

export class LlhlsWorkerPool {
  readonly #options: LlhlsWorkerPoolOptions;
  readonly #members = new Set<Member>();
  readonly #feeds = new Map<string, { readonly output: ServedChannel; readonly feed: ReplicaFeed }>();
  readonly #unsubscribe: () => void;
  #port = 0;
  #closed = false;
  #restartMs = RESTART_MS;
  #lastDeathMs = 0;
  #restarts = 0;

  /** Starts the workers and resolves once every one listens. */
  static async start(options: LlhlsWorkerPoolOptions): Promise<LlhlsWorkerPool> {
    const pool = new LlhlsWorkerPool(options);
    try {
      // node:cluster shares one socket among the workers' listens of the same address and port. Port 0 would be
      // shared too, by every pool of the process: a free port is chosen here instead.
      pool.#port = options.port === 0 ? await freePort(options.host) : options.port;
      await Promise.all(Array.from({ length: options.count }, () => pool.#spawn()));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  private constructor(options: LlhlsWorkerPoolOptions) {
    this.#options = options;
    for (const output of options.outputs.all) this.#follow(output);
    this.#unsubscribe = options.outputs.onChange((output, change) => {
      if (change === 'opened') this.#follow(output);
      else this.#unfollow(output);
    });
  }

  get port(): number {
    return this.#port;
  }

  get pids(): number[] {
    return [...this.#members].flatMap((m) => (m.worker.process.pid === undefined ? [] : [m.worker.process.pid]));
  }

  /** Requests parked in the workers, as they last reported. */
  get blockedRequests(): number {
    let n = 0;
    for (const m of this.#members) n += m.blocked;
    return n;
  }

  /** Workers replaced since the start (they died, or fell behind). */
  get restarts(): number {
    return this.#restarts;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe();
    for (const { feed } of this.#feeds.values()) feed.close();
    this.#feeds.clear();
    await Promise.all(
      [...this.#members].map(
        (m) =>
          new Promise<void>((resolve) => {
            if (m.worker.isDead()) return resolve();
            m.worker.once('exit', () => resolve());
            m.worker.process.kill('SIGTERM');
          }),
      ),
    );
    this.#members.clear();
  }

  #follow(output: ServedChannel): void {
    this.#unfollowChannel(output.channelId);
    const feed = new ReplicaFeed(output.packager);
    this.#feeds.set(output.channelId, { output, feed });
    const channel = output.channelId;
    const snapshot = feed.snapshot();
    for (const m of this.#members) this.#send(m, { type: 'stream', channel, fresh: true, update: snapshot });
    feed.onUpdate((update) => {
      for (const m of this.#members) this.#send(m, { type: 'stream', channel, fresh: false, update });
    });
  }

  #unfollow(output: ServedChannel): void {
    if (this.#feeds.get(output.channelId)?.output !== output) return;
    this.#unfollowChannel(output.channelId);
    for (const m of this.#members) this.#send(m, { type: 'closed', channel: output.channelId });
  }

  #unfollowChannel(channel: string): void {
    this.#feeds.get(channel)?.feed.close();
    this.#feeds.delete(channel);
  }

  #send(member: Member, message: ToWorker): void {
    if (member.worker.isDead() || !member.worker.isConnected()) return;
    if (member.backlog >= (this.#options.maxBacklog ?? 512)) {
      this.#options.logger.warn(
        { pid: member.worker.process.pid, backlog: member.backlog },
        'LL-HLS worker fell behind its updates; replacing it',
      );
      member.worker.process.kill('SIGKILL');
      return;
    }
    member.backlog++;
    member.worker.send(message, undefined, { keepOpen: false }, () => {
      member.backlog--;
    });
  }

  /** Forks one worker; resolves with its port once it listens. */
  #spawn(): Promise<number> {
    const o = this.#options;
    const settings: WorkerSettings = {
      host: o.host,
      port: this.#port,
      maxConnections: o.maxConnections,
      requestTimeoutMs: o.requestTimeoutMs,
      keepAliveTimeoutMs: o.keepAliveTimeoutMs ?? 5000,
      startWaitMs: o.startWaitMs,
      maxViewersPerReport: o.maxViewersPerReport ?? 200_000,
    };
    // Set before the first fork, once per process: workers accept from the shared socket themselves.
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    cluster.setupPrimary({
      exec: WORKER_FILE,
      execArgv: ['--import', TSX],
      serialization: 'advanced',
      silent: false,
    });
    const worker = cluster.fork({ [WORKER_SETTINGS_ENV]: JSON.stringify(settings) });
    const member: Member = { worker, backlog: 0, blocked: 0, listening: false };
    this.#members.add(member);
    // Every live channel, whole, before any update after it.
    for (const [channel, { feed }] of this.#feeds) {
      this.#send(member, { type: 'stream', channel, fresh: true, update: feed.snapshot() });
    }
    return new Promise<number>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'listening') {
          member.listening = true;
          resolve(message.port);
        } else if (message.type === 'blocked') {
          member.blocked = message.count;
        } else if (message.type === 'viewers' && this.#feeds.has(message.channel)) {
          o.onViewers(message.channel, message.ids.slice(0, settings.maxViewersPerReport));
        }
      });
      worker.once('exit', (code, signal) => {
        this.#members.delete(member);
        if (!member.listening) reject(new Error(`LL-HLS worker exited before listening (${signal ?? code})`));
        if (this.#closed) return;
        o.logger.error({ pid: worker.process.pid, code, signal }, 'LL-HLS worker died; starting another');
        this.#respawnLater();
      });
    });
  }

  #respawnLater(): void {
    const now = Date.now();
    this.#restartMs = now - this.#lastDeathMs < 60_000 ? Math.min(30_000, this.#restartMs * 2) : RESTART_MS;
    this.#lastDeathMs = now;
    setTimeout(() => {
      if (this.#closed) return;
      this.#restarts++;
      this.#spawn().catch((error) => this.#options.logger.error({ err: error }, 'LL-HLS worker failed to start'));
    }, this.#restartMs).unref();
  }
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
