/**
 * The serving side of the blocked-request benchmark: one LivePackager fed in real time, served by node:http through
 * LlhlsHttp, and a load generator in a child process that parks N blocking playlist requests for a part that does not
 * exist yet. For each round it stamps when the part lands in the packager and when every response was written
 * (server) and read (client), all on CLOCK_MONOTONIC shared by both processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { LivePackager, LlhlsHttp, type Rendition, renderMediaPlaylist } from '@glint/llhls-packager';
import { type MediaItem, until } from '@glint/testkit';
import { type FromClient, monotonicUs, type ToClient } from './blocked-protocol.ts';
import { LiveFeed } from './live-feed.ts';
import { type PartTarget, partAhead, reached } from './part-target.ts';

export const PART_MS = 200;
/** After the load generator has written a round's requests to an edge: time for the edge to read them all. */
const EDGE_SETTLE_MS = 150;

export interface BlockedConfig {
  readonly label: string;
  readonly sockets: number;
  /** Pipelined requests per socket (1 = one viewer per connection). */
  readonly perSocket: number;
  readonly rounds: number;
  /**
   * Peer: bare node:http parks the requests in an array and answers them in a plain loop with the same playlist
   * bytes and headers, bypassing LlhlsHttp: the floor that node:http itself sets.
   */
  readonly bare: boolean;
  /**
   * The load generator is connected to an edge cache in front of this origin: the origin sees only the edge's own
   * requests, so a round waits for the generator to have written every request, then a settling pause for the edge to
   * read them, instead of counting them parked here.
   */
  readonly edge?: boolean;
  /**
   * The load generator is connected to LL-HLS worker processes serving this origin's packager as `channel`
   * (media-server's LlhlsWorkerPool): the requests are parked there, counted as the workers report them.
   */
  readonly workers?: { readonly channel: string; readonly blocked: () => number };
}

export interface BlockedRound {
  readonly label: string;
  readonly round: number;
  readonly requests: number;
  /** blockedCount when the part landed (should equal `requests`). */
  readonly heldAtLand: number;
  /** Park message sent → all requests parked on the server. */
  readonly parkMs: number;
  readonly leadParts: number;
  /** Part landed → LlhlsHttp's change listener returned: every res.end() has been called. */
  readonly releaseLoopMs: number;
  /** Part landed → the last response's 'finish' on the server (handed to the kernel). */
  readonly lastFinishMs: number;
  /** Part landed → the last response fully read by the load generator. */
  readonly lastRecvMs: number;
  readonly recvMs: number[];
  readonly finishMs: number[];
  readonly statuses: Readonly<Record<string, number>>;
  /** Blocking playlist requests that reached this origin during the round (N alone; one per edge behind a cache). */
  readonly originRequests: number;
  /**
   * CPU time of this process (the origin's main one, where ingest and the packager run) from the round's first
   * request to its last answer: parking and releasing the crowd here, or only feeding the LL-HLS workers.
   */
  readonly mainCpuMs: number;
}

interface Active {
  readonly target: PartTarget;
  readonly expected: number;
  readonly bare: ServerResponse[] | null;
  /** Requests parked now, wherever they are parked. */
  readonly held: () => number;
  landUs: number;
  heldAtLand: number;
  loopDoneUs: number;
  readonly finishUs: number[];
  originRequests: number;
}

const CLIENT = fileURLToPath(new URL('./blocked-client.ts', import.meta.url));
/** Tries a high descriptor limit for the load generator, else its hard limit; `exec` keeps the IPC channel. */
const RAISE_LIMIT = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';

export class BlockedBench {
  readonly #packager = new LivePackager({ partTargetMs: PART_MS, segmentTargetMs: 1000 });
  readonly #http: LlhlsHttp;
  readonly #server: Server;
  readonly #feed: LiveFeed;
  #client: ChildProcess | null = null;
  #clientGone = false;
  readonly #inbox: FromClient[] = [];
  #wake: (() => void) | null = null;
  #active: Active | null = null;
  /** Last measured time to park N requests, per N, to choose how far ahead the next round aims. */
  readonly #parkMsByN = new Map<number, number>();

  constructor(items: readonly MediaItem[], loop90k: number, configure: (p: LivePackager) => void) {
    // Registered before LlhlsHttp's listener: sees the part land before any waiter is answered.
    this.#packager.onChange(() => this.#beforeRelease());
    this.#http = new LlhlsHttp(this.#packager);
    this.#packager.onChange(() => this.#afterRelease());
    configure(this.#packager);
    this.#server = createServer((req, res) => this.#handle(req, res));
    this.#server.keepAliveTimeout = 120_000;
    this.#server.requestTimeout = 0;
    this.#feed = new LiveFeed(this.#packager, items, loop90k);
  }

  /** The origin's packager (LL-HLS worker processes serve replicas of it). */
  get packager(): LivePackager {
    return this.#packager;
  }

  get video(): Rendition | undefined {
    return this.#packager.rendition('video');
  }

  /** Listens, starts the live feed and the load generator; returns the generator's descriptor limit. */
  async start(): Promise<{ port: number; clientFdLimit: number; clientOpenFds: number }> {
    await new Promise<void>((resolve) => this.#server.listen({ host: '127.0.0.1', port: 0, backlog: 65535 }, resolve));
    this.#feed.start();
    const client = spawn('sh', ['-c', RAISE_LIMIT, 'sh', process.execPath, ...process.execArgv, CLIENT], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#client = client;
    client.on('message', (message: FromClient) => {
      this.#inbox.push(message);
      this.#wake?.();
    });
    client.on('exit', () => {
      this.#clientGone = true;
      this.#wake?.();
    });
    const ready = await this.#next('ready', 20_000);
    return {
      port: (this.#server.address() as AddressInfo).port,
      clientFdLimit: ready.fdLimit,
      clientOpenFds: ready.openFds,
    };
  }

  async connect(port: number, sockets: number): Promise<Extract<FromClient, { type: 'connected' }>> {
    this.#send({ type: 'connect', port, sockets, concurrency: 256 });
    return this.#next('connected', 60_000);
  }

  /** Waits until the stream has complete segments, so targets a few parts ahead are legal. */
  async waitForSegments(count: number, timeoutMs: number): Promise<void> {
    await until(() => (this.video?.lastCompleteMsn ?? -1) >= count - 1, {
      what: `the live feed to make ${count} segments`,
      timeoutMs,
    });
  }

  /**
   * One round: aim at a part far enough ahead that all requests are parked before it lands (the lead adapts to the
   * last parking time; 1 = the next part), then time the release. Returns null when the part landed before every
   * request was parked, so the caller retries with a longer lead.
   */
  async round(config: BlockedConfig, id: number): Promise<BlockedRound | null> {
    const video = this.video;
    if (!video) throw new Error('no video rendition yet');
    const expected = config.sockets * config.perSocket;
    const parkEstimateMs = this.#parkMsByN.get(expected) ?? expected * 0.06;
    const leadParts = Math.min(9, Math.max(1, Math.ceil((parkEstimateMs * 1.5 + 50) / PART_MS)));
    const active: Active = {
      target: partAhead(video, leadParts),
      expected,
      bare: config.bare ? [] : null,
      held: () => (config.workers ? config.workers.blocked() : this.#held(active)),
      landUs: 0,
      heldAtLand: 0,
      loopDoneUs: 0,
      finishUs: [],
      originRequests: 0,
    };
    this.#active = active;
    // Only this round's 'written' counts (rounds that do not wait for it leave theirs behind).
    for (let i = this.#inbox.length - 1; i >= 0; i--) if (this.#inbox[i]?.type === 'written') this.#inbox.splice(i, 1);
    const sentUs = monotonicUs();
    const cpuBefore = process.cpuUsage();
    this.#send({
      type: 'park',
      round: id,
      ...active.target,
      sockets: config.sockets,
      perSocket: config.perSocket,
      ...(config.workers ? { channel: config.workers.channel } : {}),
    });
    if (config.edge) {
      await this.#next('written', 30_000);
      // The edge reads what the kernel holds for it; give it a moment before the part may land.
      const settle = Date.now() + EDGE_SETTLE_MS;
      while (active.landUs === 0 && Date.now() < settle) await sleep(1);
    } else {
      while (active.landUs === 0 && active.held() < expected) await sleep(1);
    }
    const parkMs = (monotonicUs() - sentUs) / 1000;
    const answered = await this.#next('answered', 30_000);
    const cpu = process.cpuUsage(cpuBefore);
    const deadline = Date.now() + 5000;
    while (active.finishUs.length < expected && Date.now() < deadline && !config.workers) await sleep(5);
    this.#active = null;
    if (answered.round !== id) throw new Error(`load generator answered round ${answered.round}, expected ${id}`);
    if (active.heldAtLand < (config.edge ? 1 : expected) || (config.edge && active.landUs < sentUs + parkMs * 1000)) {
      this.#parkMsByN.set(expected, Math.max(parkMs, parkEstimateMs) * 2);
      return null;
    }
    this.#parkMsByN.set(expected, parkMs);
    const sinceLand = (us: number) => (us - active.landUs) / 1000;
    const recvMs = answered.recvUs.map(sinceLand);
    const finishMs = active.finishUs.map(sinceLand);
    return {
      label: config.label,
      round: id,
      requests: expected,
      heldAtLand: active.heldAtLand,
      parkMs,
      leadParts,
      releaseLoopMs: sinceLand(active.loopDoneUs),
      lastFinishMs: maxOf(finishMs),
      lastRecvMs: maxOf(recvMs),
      recvMs,
      finishMs,
      statuses: answered.statuses,
      // Worker processes are the origin too: every request reached it.
      originRequests: config.workers ? active.heldAtLand : active.originRequests,
      mainCpuMs: (cpu.user + cpu.system) / 1000,
    };
  }

  /** Closes the load generator's connections, to connect it to another server. */
  reset(): void {
    this.#inbox.length = 0;
    this.#send({ type: 'reset' });
  }

  async stop(): Promise<void> {
    this.#feed.stop();
    const client = this.#client;
    if (client && !this.#clientGone) {
      this.#send({ type: 'quit' });
      const exited = new Promise<void>((resolve) => client.once('exit', () => resolve()));
      const timer = setTimeout(() => client.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    this.#http.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Ends the load generator at once (watchdog, fatal error). */
  kill(): void {
    if (this.#client && !this.#clientGone) this.#client.kill('SIGKILL');
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const active = this.#active;
    if (active && url.searchParams.has('_HLS_msn')) {
      active.originRequests++;
      res.once('finish', () => active.finishUs.push(monotonicUs()));
      if (active.bare && active.landUs === 0) {
        active.bare.push(res);
        return;
      }
    }
    const path = url.pathname.startsWith('/live/') ? url.pathname.slice('/live/'.length) : '';
    this.#http.handle(req, res, path, url.searchParams);
  }

  #beforeRelease(): void {
    const active = this.#active;
    const video = this.video;
    if (active?.landUs !== 0 || !video || !reached(active.target, video)) return;
    active.landUs = monotonicUs();
    active.heldAtLand = active.held();
    if (active.bare) {
      answerBare(active.bare, video, this.#packager);
      active.loopDoneUs = monotonicUs();
    }
  }

  #held(active: Active): number {
    return active.bare ? active.bare.length : this.#http.blockedCount;
  }

  #afterRelease(): void {
    const active = this.#active;
    if (active && active.landUs !== 0 && active.loopDoneUs === 0) active.loopDoneUs = monotonicUs();
  }

  #send(message: ToClient): void {
    this.#client?.send(message);
  }

  async #next<T extends FromClient['type']>(type: T, timeoutMs: number): Promise<Extract<FromClient, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.#inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.#inbox.splice(i, 1)[0] as Extract<FromClient, { type: T }>;
      if (this.#clientGone) throw new Error(`the load generator exited before sending '${type}'`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the load generator sent no '${type}' within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

/** The peer's release: the same bytes and headers LlhlsHttp sends, written in a plain loop. */
function answerBare(waiting: readonly ServerResponse[], video: Rendition, packager: LivePackager): void {
  const body = Buffer.from(renderMediaPlaylist(video.model(packager.renditionReports(video.name)), 'NO'));
  const headers = {
    'Access-Control-Allow-Origin': '*',
    'Content-Type': 'application/vnd.apple.mpegurl',
    'Content-Length': String(body.byteLength),
    'Cache-Control': `public, max-age=${video.targetDurationSec}`,
  };
  for (const res of waiting) {
    res.writeHead(200, headers);
    res.end(body);
  }
}

function maxOf(values: readonly number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  return max;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
