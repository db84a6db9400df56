/**
 * Test helper: a UDP relay between a WebRTC viewer and the server whose server → viewer direction can be capped to
 * a bitrate (a token bucket with a bounded queue, tail drop), to make a viewer's bandwidth estimate fall for real.
 * The viewer is sent the relay's port in the answer's candidates. Not part of the runtime code.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';

export interface RateLimitRelay {
  readonly port: number;
  /** Caps server → viewer at `kbps` (null: no cap), queueing at most `queueMs` of it. */
  setRateKbps(kbps: number | null, queueMs?: number): void;
  readonly dropped: number;
  close(): Promise<void>;
}

const DRAIN_EVERY_MS = 2;

export async function startRateLimitRelay(server: { address: string; port: number }): Promise<RateLimitRelay> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let viewer: RemoteInfo | null = null;
  let rateKbps: number | null = null;
  let maxQueueBytes = 0;
  let queue: Buffer[] = [];
  let queuedBytes = 0;
  let tokens = 0;
  let lastMs = performance.now();
  let dropped = 0;
  const toViewer = (msg: Buffer) => {
    if (viewer) socket.send(msg, viewer.port, viewer.address);
  };
  socket.on('message', (msg, from) => {
    const fromServer = from.port === server.port && from.address === server.address;
    if (!fromServer) {
      viewer = from;
      socket.send(msg, server.port, server.address);
      return;
    }
    if (rateKbps === null) return toViewer(msg);
    if (queuedBytes + msg.length > maxQueueBytes) {
      dropped++;
      return;
    }
    queue.push(msg);
    queuedBytes += msg.length;
  });
  const drain = setInterval(() => {
    const now = performance.now();
    const elapsed = now - lastMs;
    lastMs = now;
    if (rateKbps === null) return;
    tokens = Math.min(tokens + (elapsed * rateKbps) / 8, 1500 * 4);
    while (queue.length > 0 && tokens >= (queue[0]?.length ?? 0)) {
      const msg = queue.shift() as Buffer;
      tokens -= msg.length;
      queuedBytes -= msg.length;
      toViewer(msg);
    }
  }, DRAIN_EVERY_MS);
  return {
    port: socket.address().port,
    setRateKbps(kbps, queueMs = 300) {
      rateKbps = kbps;
      maxQueueBytes = kbps === null ? 0 : Math.max(3000, (kbps * queueMs) / 8);
      if (kbps === null) {
        for (const msg of queue) toViewer(msg);
        queue = [];
        queuedBytes = 0;
      }
    },
    get dropped() {
      return dropped;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(drain);
        socket.close(() => resolve());
      }),
  };
}
