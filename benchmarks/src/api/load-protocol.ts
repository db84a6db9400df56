/** What the benchmark asks its load-generator child (argv) and what the child sends back (IPC messages). */
import type { Summary } from '../lib/stats.ts';

export interface LoadJob {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** Paths each connection walks through in turn, over and over. */
  readonly paths: readonly string[];
  readonly connections: number;
  readonly warmSec: number;
  readonly measureSec: number;
}

export interface LoadResult {
  /** 2xx replies in the measured window. */
  readonly ok: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly windowSec: number;
  readonly requestsPerSec: number;
  /** Latency of 2xx replies, ms (request written → reply read, as autocannon times it, not rounded). */
  readonly latencyMs: Summary;
  /** CPU the load generator itself used in the window, % of one core. */
  readonly loadGenCpuPct: number;
}

export type LoadMessage =
  | { readonly type: 'progress'; readonly text: string }
  | { readonly type: 'measuring' }
  | { readonly type: 'result'; readonly result: LoadResult }
  | { readonly type: 'failed'; readonly error: string };
