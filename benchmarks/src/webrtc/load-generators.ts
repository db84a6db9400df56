/** The fan-out measure's load generators (child processes): growing their viewers and sockets, reading counts. */
import { createSocket, type Socket } from 'node:dgram';
import type { NodeChild } from './children.ts';
import type { AddViewersResult, LoadCommand, SnapshotResult, ViewerClient } from './protocol.ts';

export type Loader = NodeChild<LoadCommand>;

/** Splits `total` as evenly as possible over the load generators. */
function shares(loaders: readonly Loader[], total: number): number[] {
  return loaders.map((_, i) => Math.floor(total / loaders.length) + (i < total % loaders.length ? 1 : 0));
}

/** Opens sockets until there are `n` in all; returns every port, per load generator. */
export async function growSockets(loaders: readonly Loader[], n: number): Promise<number[][]> {
  const have = await Promise.all(loaders.map((l) => snapshot(l)));
  const target = shares(loaders, n);
  return Promise.all(
    loaders.map((l, i) =>
      l.rpc.call<number[]>({ type: 'open-sockets', count: (target[i] ?? 0) - (have[i]?.sockets.length ?? 0) }, 30_000),
    ),
  );
}

export async function growViewers(
  loaders: readonly Loader[],
  whepUrl: string,
  more: number,
  client: ViewerClient,
): Promise<AddViewersResult> {
  const results = await Promise.all(
    loaders.map((l, i) =>
      l.rpc.call<AddViewersResult>(
        { type: 'add-viewers', whepUrl, count: shares(loaders, more)[i] ?? 0, concurrency: 4, client },
        180_000,
      ),
    ),
  );
  const firstError = results.find((r) => r.firstError)?.firstError;
  return {
    connected: results.reduce((n, r) => n + r.connected, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
    ...(firstError !== undefined ? { firstError } : {}),
  };
}

export function snapshot(loader: Loader): Promise<SnapshotResult> {
  return loader.rpc.call<SnapshotResult>({ type: 'snapshot' }, 10_000);
}

/** A socket connected to one receiver, as the SFU has one per viewer: send() then needs no address lookup. */
export async function connectedSocket(port: number): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
  return socket;
}
