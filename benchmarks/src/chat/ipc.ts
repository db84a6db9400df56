/**
 * What bench:chat says to its children over IPC (requests with an id, answered once: webrtc/protocol.ts's ChildRpc)
 * and what the load generator tells it unasked (progress, the edges of the measured window).
 */
import type { Summary } from '../lib/stats.ts';
import type { ChatPlan } from './plan.ts';

export type ServerKind = 'glint' | 'socketio';

export const SERVER_LABEL: Record<ServerKind, string> = {
  glint: 'Glint chat pod (ws + RedisChatBus)',
  socketio: 'peer: Socket.IO 4.8 + redis-adapter 8',
};

export type ServerCommand =
  | {
      readonly type: 'start';
      readonly kind: ServerKind;
      /** Rooms (channels on Glint) the load joins. */
      readonly rooms: readonly string[];
      /** Logins of the signed-in senders, in order. */
      readonly senders: readonly string[];
      /** Every Redis key and channel of this server starts with it. */
      readonly redisPrefix: string;
    }
  /** gc: collect garbage first, so RSS is what is held rather than what awaits collection. */
  | { readonly type: 'stats'; readonly gc: boolean }
  /** V8's sampling CPU profiler over the window (`--profile`), written as a .cpuprofile for DevTools. */
  | { readonly type: 'profile-start' }
  | { readonly type: 'profile-stop'; readonly file: string }
  | { readonly type: 'stop' };

export interface StartedServer {
  readonly port: number;
  /** One per sender, in order: a platform session token on Glint, a token of the peer's own map on Socket.IO. */
  readonly tokens: readonly string[];
  readonly seedMs: number;
  readonly fdLimit: number;
  /** How the server was configured for the run, for the table's notes. */
  readonly notes: readonly string[];
}

export interface ServerStats {
  /** process.cpuUsage() user + system, µs since the process started. */
  readonly cpuUs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** TCP connections the HTTP server holds (upgraded ones included). */
  readonly connections: number;
}

export interface Target {
  readonly kind: ServerKind;
  readonly port: number;
  readonly tokens: readonly string[];
}

export type LoadCommand =
  | { readonly type: 'info' }
  | { readonly type: 'throughput'; readonly target: Target; readonly plan: ChatPlan }
  /** Opens `count` more held connections. */
  | {
      readonly type: 'hold';
      readonly target: Target;
      readonly count: number;
      readonly rooms: number;
      readonly addresses: number;
      readonly concurrency: number;
      readonly budgetMs: number;
    }
  /** Closes the held connections. */
  | { readonly type: 'release' };

export interface LoadInfo {
  /** Soft RLIMIT_NOFILE of the load generator, and descriptors it holds now. */
  readonly limit: number;
  readonly open: number;
}

/** Unsolicited: the window's edges (the parent reads the server's CPU at each) and progress lines. */
export type LoadNotice =
  | { readonly type: 'progress'; readonly text: string }
  | { readonly type: 'window'; readonly edge: 'start' | 'end' };

export interface ThroughputResult {
  readonly connected: number;
  readonly connectMs: number;
  /** Connections or joins refused, and the first reason. */
  readonly connectFailures: number;
  readonly firstError?: string;
  readonly windowSec: number;
  /** Messages sent inside the window. */
  readonly sent: number;
  /** Messages delivered to a member inside the window (whenever they were sent). */
  readonly deliveries: number;
  readonly deliveriesPerSec: number;
  /** Send → receive of every delivery inside the window, ms, one clock (this process). */
  readonly latencyMs: Summary;
  /** 101 points: the 0th, 1st, … 100th percentile of latencyMs, for the chart. */
  readonly latencyPercentiles: readonly number[];
  /** For the messages sent inside the window: members at send time, and deliveries by the end of the drain. */
  readonly expected: number;
  readonly received: number;
  /** Deliveries of a message a member had already received (must be 0). */
  readonly duplicates: number;
  /** Connections the server closed during the run, by close code. */
  readonly closedByServer: Readonly<Record<string, number>>;
  /** Error frames the server sent during the run, by code. */
  readonly errors: Readonly<Record<string, number>>;
  /** How late each send went out against its schedule, ms: the load generator's own health. */
  readonly sendLagMs: Summary;
  /** CPU of the load generator over the window, % of one core. */
  readonly loadGenCpuPct: number;
}

export interface HoldResult {
  /** Held now, all steps together. */
  readonly held: number;
  /** Attempts of this step that failed. */
  readonly failed: number;
  /** Held clients the server closed, all steps together. */
  readonly closedByServer: number;
  readonly firstError?: string;
  readonly ms: number;
  readonly stoppedBecause: string;
}
