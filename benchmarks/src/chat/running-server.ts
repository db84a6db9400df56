import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A chat server started inside a server child, whichever it is. */
export interface RunningServer {
  readonly port: number;
  /** One per sender, in the order given. */
  readonly tokens: readonly string[];
  /** TCP connections the HTTP server holds (upgraded ones included). */
  connections(): Promise<number>;
  stop(): Promise<void>;
}

/** Listens on 127.0.0.1 (a free port) and wraps the server with its tokens and its own stop. */
export async function listenOnLoopback(
  http: Server,
  tokens: readonly string[],
  stop: () => Promise<void>,
): Promise<RunningServer> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as AddressInfo).port,
    tokens,
    connections: () => new Promise((resolve) => http.getConnections((_e, count) => resolve(count))),
    stop,
  };
}
