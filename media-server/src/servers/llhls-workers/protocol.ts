import type { ReplicaUpdate } from '@glint/llhls-packager';

/** What the primary tells an LL-HLS worker process. */
export type ToWorker =
  /** A channel's state: `fresh` starts its replica over (first sight, or a new broadcast on the channel). */
  | { readonly type: 'stream'; readonly channel: string; readonly fresh: boolean; readonly update: ReplicaUpdate }
  /** The channel's output is gone: its URLs answer 404. */
  | { readonly type: 'closed'; readonly channel: string };

/** What an LL-HLS worker process tells the primary. */
export type FromWorker =
  | { readonly type: 'listening'; readonly port: number }
  /** Viewer ids seen on playlist requests since the last report, per channel (at most one per viewer). */
  | { readonly type: 'viewers'; readonly channel: string; readonly ids: readonly string[] }
  /** Requests parked in this worker now. */
  | { readonly type: 'blocked'; readonly count: number };

/** How the worker serves; passed once as JSON in its environment. */
export interface WorkerSettings {
  readonly host: string;
  readonly port: number;
  readonly maxConnections: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly startWaitMs: number;
  /** Distinct viewer ids a worker reports per channel per report. */
  readonly maxViewersPerReport: number;
}

export const WORKER_SETTINGS_ENV = 'GLINT_LLHLS_WORKER_SETTINGS';
