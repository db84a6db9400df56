/** The messages between bench:sfu:instructions and its harness (the process under callgrind), over Node's IPC. */

/** What forwards the source's packets: a bare dgram fan-out (the peer) or an SFU engine behind WHEP routes. */
export type Forwarder = 'peer' | 'werift' | 'mediasoup';

export type HarnessCommand =
  /** The peer: send every source packet to these receiver ports too, one connected socket each. */
  | { readonly type: 'connect-sockets'; readonly ports: readonly number[] }
  | { readonly type: 'close-sockets' }
  | { readonly type: 'stats' }
  /** A full garbage collection: what start-up left goes before anything is counted. */
  | { readonly type: 'collect-garbage' }
  /** Closes the server (and mediasoup's worker), then exits. */
  | { readonly type: 'stop' };

export interface HarnessReady {
  readonly type: 'ready';
  /** Every process whose instructions count, under callgrind: the harness first, then mediasoup's worker. */
  readonly pids: readonly number[];
  /** The engine's WHEP endpoint; null for the peer. */
  readonly whepUrl: string | null;
}

export interface HarnessStats {
  /** Packets the source has sent so far. */
  readonly packetsIn: number;
  /** Frames the source skipped because the harness fell behind its clock. */
  readonly framesSkipped: number;
  readonly keyframeRequests: number;
  readonly subscribers: number;
}
