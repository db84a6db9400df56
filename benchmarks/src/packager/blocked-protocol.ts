/** Messages between the blocked-request benchmark (server, parent) and its load generator (child), over IPC. */
export type ToClient =
  | { readonly type: 'connect'; readonly port: number; readonly sockets: number; readonly concurrency: number }
  | {
      readonly type: 'park';
      readonly round: number;
      readonly msn: number;
      readonly part: number;
      /** Use the first `sockets` connections, each with `perSocket` pipelined requests. */
      readonly sockets: number;
      readonly perSocket: number;
      /** The channel in the path (`/live/<channel>/video/…`): media-server's LL-HLS workers serve channels. */
      readonly channel?: string;
    }
  /** Close every connection (before connecting to another server). */
  | { readonly type: 'reset' }
  | { readonly type: 'quit' };

export type FromClient =
  | { readonly type: 'ready'; readonly fdLimit: number; readonly openFds: number }
  | { readonly type: 'connected'; readonly sockets: number; readonly failed: number; readonly ms: number }
  /** Every request of the round is written to its socket (handed to the kernel). */
  | { readonly type: 'written'; readonly round: number }
  | {
      readonly type: 'answered';
      readonly round: number;
      /** When each response was fully read, µs of the shared monotonic clock (process.hrtime). */
      readonly recvUs: readonly number[];
      readonly statuses: Readonly<Record<string, number>>;
    };

/** Microseconds on CLOCK_MONOTONIC: the same clock in every process on this machine. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export function playlistPath(msn: number, part: number, channel?: string): string {
  return `/live/${channel ? `${channel}/` : ''}video/index.m3u8?_HLS_msn=${msn}&_HLS_part=${part}`;
}
