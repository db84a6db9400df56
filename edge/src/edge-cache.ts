/** What every edge cache launched here offers its caller (the CLI, tests, the benchmark). */
export type EdgeKind = 'varnish' | 'nginx';

export interface EdgeCache {
  readonly kind: EdgeKind;
  readonly host: string;
  readonly port: number;
  /** `path` (with its query) through the edge. */
  url(path: string): string;
  /** Requests this edge has sent to its origin so far, as the cache itself counts them. */
  originRequests(): Promise<number>;
  /** The cache's own counters by name (Varnish: varnishstat's MAIN.*, nginx: counted from its access log). */
  stats(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export interface EdgeOptions {
  /** The Glint origin, `http://host:port`. */
  readonly origin: string;
  /** Where the edge listens; 127.0.0.1 and a free port by default. */
  readonly host?: string;
  readonly port?: number;
  /** Memory for cached objects (Varnish) or the disk cache's cap (nginx), MiB; default 256. */
  readonly cacheMb?: number;
  /** Seconds an idle viewer connection is kept open; default 60. */
  readonly idleTimeoutSec?: number;
  /** Varnish only: more `-p name=value` parameters, after the launcher's own (a later one wins). */
  readonly varnishParams?: readonly string[];
  /** Where the edge keeps its working files; a temporary folder removed at stop by default. */
  readonly workDir?: string;
}
