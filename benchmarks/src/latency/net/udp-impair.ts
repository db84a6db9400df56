/**
 * A UDP relay for one WebRTC peer (client ↔ relay ↔ server) that applies a one-way delay, jitter and random loss in
 * each direction: what netem would do, without root. The relay learns the client from its first packet, and works
 * like a NAT: each client address gets its own socket towards the target, so a client that sends from a second socket
 * (werift checks from one socket per m-section before BUNDLE settles) is answered on the right one, never mixed up
 * with the first. The server sees those sockets as peer-reflexive candidates. Each packet's due time is its arrival + delay + a uniform draw in ±jitter, so packets
 * are reordered only where jitter makes one due before an earlier one (as with netem's jitter). Loss and jitter draw
 * from seeded generators, one per direction, so a run is repeatable. Each direction holds at most `maxQueuedPackets`;
 * beyond that packets are dropped and counted.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { seededRandom } from '@glint/testkit';

export interface UdpImpairOptions {
  readonly target: { readonly host: string; readonly port: number };
  readonly oneWayDelayMs: number;
  /** Each packet's delay varies uniformly within ±jitterMs (never below 0). Default 0. */
  readonly jitterMs?: number;
  /** Share of packets dropped at random in each direction, 0–100. Default 0. */
  readonly lossPct?: number;
  readonly seed?: number;
  /** Packets held per direction before new ones are dropped; default 10,000. */
  readonly maxQueuedPackets?: number;
}

export interface DirectionStats {
  readonly received: number;
  readonly delivered: number;
  /** Dropped by the loss draw. */
  readonly lost: number;
  /** Dropped because the queue was full. */
  readonly overflow: number;
  readonly bytes: number;
}

export interface UdpImpairStats {
  /** client → server */
  readonly up: DirectionStats;
  /** server → client */
  readonly down: DirectionStats;
  /** Packets from client addresses beyond the mapping cap (dropped). */
  readonly strangers: number;
  /** The first client address seen. */
  readonly client: string | undefined;
  /** Client addresses mapped (one socket towards the target each). */
  readonly clientSockets: number;
}

export interface UdpImpairRelay {
  readonly port: number;
  stats(): UdpImpairStats;
  stop(): Promise<void>;
}

interface Held {
  readonly dueMs: number;
  readonly order: number;
  readonly packet: Buffer;
  readonly send: (packet: Buffer) => void;
}

/** One direction: a min-heap on due time (arrival order breaks ties) and one timer for its head. */
class ImpairedDirection {
  readonly #heap: Held[] = [];
  readonly #random: () => number;
  #order = 0;
  #timer: NodeJS.Timeout | null = null;
  #armedForMs = Number.POSITIVE_INFINITY;
  readonly counts = { received: 0, delivered: 0, lost: 0, overflow: 0, bytes: 0 };

  constructor(
    private readonly delayMs: number,
    private readonly jitterMs: number,
    private readonly lossPct: number,
    private readonly maxPackets: number,
    seed: number,
  ) {
    this.#random = seededRandom(seed);
  }

  push(packet: Buffer, send: (packet: Buffer) => void): void {
    this.counts.received++;
    this.counts.bytes += packet.length;
    // Both draws are taken for every packet, so the loss pattern does not depend on the jitter setting.
    const lossDraw = this.#random();
    const jitterDraw = this.#random();
    if (lossDraw * 100 < this.lossPct) {
      this.counts.lost++;
      return;
    }
    if (this.#heap.length >= this.maxPackets) {
      this.counts.overflow++;
      return;
    }
    const delayMs = Math.max(0, this.delayMs + (jitterDraw * 2 - 1) * this.jitterMs);
    if (delayMs === 0 && this.#heap.length === 0) {
      this.counts.delivered++;
      send(packet);
      return;
    }
    this.#insert({ dueMs: performance.now() + delayMs, order: this.#order++, packet, send });
    this.#arm();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#heap.length = 0;
  }

  #deliver(held: Held): void {
    this.counts.delivered++;
    held.send(held.packet);
  }

  #arm(): void {
    const head = this.#heap[0];
    if (!head || head.dueMs >= this.#armedForMs) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#armedForMs = head.dueMs;
    this.#timer = setTimeout(() => this.#flush(), Math.max(0, head.dueMs - performance.now()));
  }

  #flush(): void {
    this.#timer = null;
    this.#armedForMs = Number.POSITIVE_INFINITY;
    // Timers fire up to ~1 ms late or early: within half a millisecond counts as due.
    const now = performance.now() + 0.5;
    while (this.#heap.length > 0 && this.#heap[0]!.dueMs <= now) this.#deliver(this.#pop());
    this.#arm();
  }

  #before(a: Held, b: Held): boolean {
    return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.order < b.order);
  }

  #insert(item: Held): void {
    const heap = this.#heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): Held {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < heap.length && this.#before(heap[left]!, heap[least]!)) least = left;
        if (right < heap.length && this.#before(heap[right]!, heap[least]!)) least = right;
        if (least === i) break;
        [heap[i], heap[least]] = [heap[least]!, heap[i]!];
        i = least;
      }
    }
    return top;
  }
}

export async function startUdpImpairRelay(options: UdpImpairOptions): Promise<UdpImpairRelay> {
  const jitterMs = options.jitterMs ?? 0;
  const lossPct = options.lossPct ?? 0;
  if (!(options.oneWayDelayMs >= 0) || !(jitterMs >= 0)) throw new RangeError('delay and jitter must be ≥ 0 ms');
  if (!(lossPct >= 0 && lossPct <= 100)) throw new RangeError(`lossPct must be within 0–100, got ${lossPct}`);
  const seed = options.seed ?? 1;
  const maxPackets = options.maxQueuedPackets ?? 10_000;
  const { host, port } = options.target;
  const up = new ImpairedDirection(options.oneWayDelayMs, jitterMs, lossPct, maxPackets, seed);
  const down = new ImpairedDirection(options.oneWayDelayMs, jitterMs, lossPct, maxPackets, seed + 1);
  const listener = await bindUdp();
  /** Client address → its socket towards the target. */
  const mappings = new Map<string, { socket: Socket; send: (packet: Buffer) => void }>();
  let firstClient: string | undefined;
  let strangers = 0;

  const mapping = (from: RemoteInfo) => {
    const key = `${from.address}:${from.port}`;
    const known = mappings.get(key);
    if (known) return known;
    if (mappings.size >= MAX_CLIENT_SOCKETS) return undefined;
    // Bound at once below (bindUdp is async); until then sends wait in libuv's queue, so nothing is lost.
    const socket = createSocket(SOCKET_OPTIONS);
    socket.bind(0, '127.0.0.1');
    const toClient = (packet: Buffer) => listener.send(packet, from.port, from.address, ignore);
    socket.on('message', (packet, server) => {
      if (server.port === port && server.address === host) down.push(packet, toClient);
    });
    socket.on('error', ignore);
    const entry = { socket, send: (packet: Buffer) => socket.send(packet, port, host, ignore) };
    mappings.set(key, entry);
    firstClient ??= key;
    return entry;
  };

  listener.on('message', (packet, from) => {
    const entry = mapping(from);
    if (!entry) return void strangers++;
    up.push(packet, entry.send);
  });
  return {
    port: listener.address().port,
    stats: () => ({
      up: { ...up.counts },
      down: { ...down.counts },
      strangers,
      client: firstClient,
      clientSockets: mappings.size,
    }),
    stop: async () => {
      up.stop();
      down.stop();
      const sockets = [listener, ...[...mappings.values()].map((m) => m.socket)];
      await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
    },
  };
}

/** Enough for every transport one peer opens (one per m-section before BUNDLE, plus a few). */
const MAX_CLIENT_SOCKETS = 16;

/** A closed peer answers with ICMP port unreachable, reported as a send or socket error: not fatal here. */
const ignore = () => {};

/**
 * The relay delivers every packet due at once in one go: larger buffers than the default (~200 KB, ~160 small
 * packets) keep a burst from overflowing its own sockets (Linux caps them at net.core.rmem_max/wmem_max).
 */
const SOCKET_OPTIONS = { type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 } as const;

async function bindUdp(): Promise<Socket> {
  const socket = createSocket(SOCKET_OPTIONS);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', ignore);
  return socket;
}

/**
 * Points an SDP's UDP host candidates at the relay (`toHost:toPort`), drops its TCP candidates and any duplicate the
 * rewrite makes, so a peer given this SDP reaches the other side only through the relay. The far side then sees the
 * relay's address as a peer-reflexive candidate.
 */
export function rewriteCandidates(sdp: string, toPort: number, toHost = '127.0.0.1'): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const seen = new Set<string>();
  const out: string[] = [];
  let section = 0;
  for (const line of sdp.split(eol)) {
    if (line.startsWith('m=')) section++;
    const m = /^a=candidate:(\S+) (\d+) (\S+) (\d+) (\S+) (\d+) typ (\S+)(.*)$/.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    const [, foundation, component, transport, priority, , , type, rest] = m;
    if (transport?.toLowerCase() !== 'udp' || type !== 'host') continue;
    const key = `${section}|${component}|${toHost}:${toPort}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`a=candidate:${foundation} ${component} ${transport} ${priority} ${toHost} ${toPort} typ host${rest}`);
  }
  return out.join(eol);
}
