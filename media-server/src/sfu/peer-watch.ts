import type { RTCPeerConnection } from 'werift';

export type PeerEndReason = 'connect-timeout' | 'failed' | 'closed' | 'disconnected' | 'idle';

/** The defaults of PeerTimeouts (config.ts exposes each as a setting). */
export const PEER_TIMEOUT_DEFAULTS: PeerTimeouts = {
  connectTimeoutMs: 10_000,
  disconnectedGraceMs: 5_000,
  /** Three missed browser consent checks (every ~5 s). */
  idleTimeoutMs: 15_000,
};

/** How long a WHIP publisher's or WHEP viewer's peer connection may take to connect, stall, or stay silent. */
export interface PeerTimeouts {
  /** ICE + DTLS must complete within this long after the answer is sent. */
  readonly connectTimeoutMs: number;
  /** A connection that stays `disconnected` this long is given up. */
  readonly disconnectedGraceMs: number;
  /**
   * A connected peer from which nothing (STUN consent checks, RTCP, media) arrives for this long is gone. An
   * ICE-lite agent sends no consent checks of its own (werift skips them in lite mode), so a viewer that
   * vanishes without a DELETE would otherwise stay `connected` forever. Browsers send consent checks every ~5 s
   * and RTCP every second or so (RFC 7675 gives 30 s before consent expires).
   */
  readonly idleTimeoutMs: number;
}

export interface PeerWatchOptions extends PeerTimeouts {
  readonly onConnected: () => void;
  readonly onEnd: (reason: PeerEndReason) => void;
}

export interface PeerWatch {
  /** Stops watching (clears timers) without ending anything. */
  stop(): void;
  /** Something arrived from the peer. */
  touch(): void;
}

/** Watches one peer connection from answer to end: connected in time, alive while connected, ended once. */
export function watchPeer(pc: RTCPeerConnection, options: PeerWatchOptions): PeerWatch {
  let ended = false;
  let lastHeardMs = Date.now();
  let connectTimer: ReturnType<typeof setTimeout> | undefined = setTimeout(
    () => end('connect-timeout'),
    options.connectTimeoutMs,
  );
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let idleTimer: ReturnType<typeof setInterval> | undefined;
  const unsubscribers: Array<() => void> = [];
  const clear = () => {
    clearTimeout(connectTimer);
    clearTimeout(graceTimer);
    clearInterval(idleTimer);
    connectTimer = graceTimer = idleTimer = undefined;
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
  };
  const end = (reason: PeerEndReason) => {
    if (ended) return;
    ended = true;
    clear();
    options.onEnd(reason);
  };
  const touch = () => {
    lastHeardMs = Date.now();
  };
  const startIdleWatch = () => {
    touch();
    for (const transport of pc.iceTransports) {
      unsubscribers.push(transport.connection.onData.subscribe(touch).unSubscribe);
    }
    idleTimer = setInterval(
      () => {
        if (Date.now() - lastHeardMs > options.idleTimeoutMs) end('idle');
      },
      Math.max(50, Math.floor(options.idleTimeoutMs / 4)),
    );
  };
  unsubscribers.push(
    pc.connectionStateChange.subscribe((state) => {
      if (ended) return;
      if (state === 'connected') {
        clearTimeout(graceTimer);
        graceTimer = undefined;
        if (connectTimer) {
          clearTimeout(connectTimer);
          connectTimer = undefined;
          startIdleWatch();
          options.onConnected();
        }
      } else if (state === 'failed' || state === 'closed') {
        end(state);
      } else if (state === 'disconnected' && !graceTimer) {
        graceTimer = setTimeout(() => end('disconnected'), options.disconnectedGraceMs);
      }
    }).unSubscribe,
  );
  return {
    stop: () => {
      ended = true;
      clear();
    },
    touch,
  };
}
