/** Test helpers for the RTMP server over real sockets: a server with a platform-like authorizer, clients, ffmpeg. */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { requireTool } from '@glint/testkit';
import type { MediaEvent } from '../src/protocols/flv/types.ts';
import {
  type PublishDecision,
  type PublishEndReason,
  type RtmpLogger,
  type RtmpPublishSession,
  RtmpServer,
  type RtmpServerOptions,
} from '../src/servers/rtmp.ts';
import { testSourceArgs } from './flv-ffmpeg.ts';

export interface LogLine {
  readonly level: string;
  readonly msg: string | undefined;
  readonly fields: Record<string, unknown>;
}

/** Keeps every line, debug included, so tests can find a line whatever level it was rationed to. */
export function capturingLogger(): RtmpLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (fields: object, msg?: string) =>
    lines.push({ level, msg, fields: fields as Record<string, unknown> });
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

export interface Recorded {
  readonly session: RtmpPublishSession;
  readonly events: MediaEvent[];
  endReason: PublishEndReason | undefined;
}

export const TEST_KEYS = { alpha: 'key-alpha-7f3a9', beta: 'key-beta-1c2d8', idle: 'key-idle-5e6f0' } as const;

export type TestServerOptions = Partial<Omit<RtmpServerOptions, 'authorizePublish' | 'onPublish' | 'logger'>> & {
  /** What a refused publisher is told; default 'Unknown stream key.'. */
  readonly refusalReason?: string;
};

/**
 * A server whose authorizer behaves like the platform's: known keys map to channels, and a channel that is live
 * refuses a second publisher. The server itself knows nothing of channels.
 */
export async function startServer(options: TestServerOptions = {}) {
  const { refusalReason = 'Unknown stream key.', ...serverOptions } = options;
  const logger = capturingLogger();
  const keys = new Map<string, string>(Object.entries(TEST_KEYS).map(([channel, key]) => [key, channel]));
  const live = new Set<string>();
  const sessions: Recorded[] = [];
  const server = new RtmpServer({
    logger,
    ...serverOptions,
    authorizePublish: async ({ streamKey }): Promise<PublishDecision> => {
      const channelId = keys.get(streamKey);
      if (channelId === undefined) return { ok: false, code: 'UNKNOWN_KEY', reason: refusalReason };
      if (live.has(channelId)) return { ok: false, code: 'ALREADY_LIVE', reason: 'This channel is already live.' };
      live.add(channelId);
      return { ok: true, channelId };
    },
    onPublish: (session) => {
      const recorded: Recorded = { session, events: [], endReason: undefined };
      sessions.push(recorded);
      session.onMedia((e) => recorded.events.push(e));
      session.onEnd((reason) => {
        recorded.endReason = reason;
        live.delete(session.channelId);
      });
    },
  });
  const port = await server.listen(0);
  return { server, port, logger, sessions, live };
}

export function ffmpeg(args: string[]): {
  child: ChildProcess;
  exit: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn(requireTool('ffmpeg'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stderr })),
  );
  return { child, exit };
}

export function publish(port: number, path: string, seconds: number, realtime = false) {
  return ffmpeg([
    ...(realtime ? ['-re'] : []),
    ...testSourceArgs(seconds),
    '-f',
    'flv',
    `rtmp://127.0.0.1:${port}/${path}`,
  ]);
}

export interface RawClientOptions {
  /** Source address; any of 127.0.0.0/8 reaches a server on 127.0.0.1 (Linux), so tests can be several clients. */
  readonly localAddress?: string;
  /** A client that never reads what the server sends. */
  readonly paused?: boolean;
}

/** A raw TCP client: sends bytes, records what comes back, resolves `closed` when the connection is gone. */
export function rawClient(port: number, bytes: Uint8Array, options: RawClientOptions = {}) {
  const socket: Socket = connect({
    port,
    host: '127.0.0.1',
    ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
  });
  const received: Buffer[] = [];
  if (options.paused) socket.pause();
  else socket.on('data', (d: Buffer) => received.push(d));
  socket.on('error', () => {}); // a reset is one of the ways a refusal may arrive
  const openedAtMs = Date.now();
  const localPort = new Promise<number>((resolve) => socket.on('connect', () => resolve(socket.localPort!)));
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - openedAtMs)));
  if (bytes.length > 0) socket.write(bytes);
  return { socket, received, localPort, closed };
}

export function withDeadline<T>(what: string, promise: Promise<T>, timeoutMs = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export const counts = (events: readonly MediaEvent[]) => {
  const c: Record<string, number> = {};
  for (const e of events) c[e.kind] = (c[e.kind] ?? 0) + 1;
  return c;
};
