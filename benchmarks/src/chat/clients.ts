/**
 * One chat client per server, behind one face for the load generator: connect from a source address, join a room,
 * send, and hand every delivered message's text to the receiver. The Glint client speaks protocol v1 (chat/PROTOCOL.md)
 * over `ws`; the peer's is socket.io-client over WebSocket only (no long-polling), one Manager per client.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { WebSocket } from 'ws';
import type { ServerKind } from './ipc.ts';

export interface ClientOptions {
  readonly port: number;
  readonly localAddress: string;
  /** A sender's token; readers connect anonymously. */
  readonly token?: string;
  readonly onMessage: (text: string) => void;
  /** The server closed the connection (code as a string: a WebSocket close code or Socket.IO's reason). */
  readonly onClosed: (reason: string) => void;
  /** An error frame (Glint) or a refused send (peer), by code. */
  readonly onError: (code: string) => void;
}

export interface ChatClient {
  join(room: string): Promise<void>;
  send(room: string, text: string): void;
  close(): void;
}

const JOIN_TIMEOUT_MS = 30_000;

export function openClient(kind: ServerKind, options: ClientOptions): Promise<ChatClient> {
  return kind === 'glint' ? openGlintClient(options) : openSocketIoClient(options);
}

interface GlintFrame {
  readonly type: string;
  readonly room?: string;
  readonly code?: string;
  readonly events?: readonly { readonly kind: string; readonly text?: string }[];
}

function openGlintClient(options: ClientOptions): Promise<ChatClient> {
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const ws = new WebSocket(`ws://127.0.0.1:${options.port}/chat`, {
    localAddress: options.localAddress,
    headers,
    perMessageDeflate: false,
  });
  const joins = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  let closing = false;
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString()) as GlintFrame;
    if (frame.type === 'events') {
      for (const event of frame.events ?? []) if (event.kind === 'message') options.onMessage(event.text ?? '');
    } else if (frame.type === 'joined') {
      joins.get(frame.room ?? '')?.resolve();
      joins.delete(frame.room ?? '');
    } else if (frame.type === 'error') {
      const join = joins.get(frame.room ?? '');
      if (join) {
        joins.delete(frame.room ?? '');
        join.reject(new Error(`join refused: ${frame.code}`));
      } else options.onError(frame.code ?? 'unknown');
    }
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({
        join: (room) =>
          new Promise<void>((done, fail) => {
            const timer = setTimeout(() => fail(new Error(`no answer to join ${room}`)), JOIN_TIMEOUT_MS);
            joins.set(room, {
              resolve: () => {
                clearTimeout(timer);
                done();
              },
              reject: (e) => {
                clearTimeout(timer);
                fail(e);
              },
            });
            ws.send(JSON.stringify({ type: 'join', room }));
          }),
        send: (room, text) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'send', room, text }));
        },
        close: () => {
          closing = true;
          ws.terminate();
        },
      }),
    );
    // After 'open' the promise is settled and this is a no-op; 'close' follows and reports the connection's end.
    ws.on('error', (error) => reject(error));
    ws.once('unexpected-response', (_request, response) =>
      reject(new Error(`upgrade answered ${response.statusCode}`)),
    );
    ws.once('close', (code) => {
      for (const join of joins.values()) join.reject(new Error(`closed ${code} while joining`));
      if (!closing) options.onClosed(String(code));
    });
  });
}

interface PeerMessage {
  readonly text: string;
}

function openSocketIoClient(options: ClientOptions): Promise<ChatClient> {
  // engine.io-client hands localAddress to ws in Node; its option types do not list it.
  const managerOptions: Partial<ManagerOptions & SocketOptions> & { localAddress: string } = {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    localAddress: options.localAddress,
    auth: options.token ? { token: options.token } : {},
  };
  const socket: Socket = io(`http://127.0.0.1:${options.port}`, managerOptions);
  let closing = false;
  socket.on('message', (message: PeerMessage) => options.onMessage(message.text));
  socket.on('refused', (code: string) => options.onError(code));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.on('disconnect', (reason) => {
        if (!closing) options.onClosed(reason);
      });
      resolve({
        join: (room) =>
          new Promise<void>((done, fail) => {
            socket
              .timeout(JOIN_TIMEOUT_MS)
              .emit('join', room, (error: Error | null, answer: { ok: boolean; code?: string }) => {
                if (error) fail(new Error(`no answer to join ${room}`));
                else if (!answer.ok) fail(new Error(`join refused: ${answer.code}`));
                else done();
              });
          }),
        send: (room, text) => {
          if (socket.connected) socket.emit('send', { room, text });
        },
        close: () => {
          closing = true;
          socket.disconnect();
        },
      });
    });
    socket.once('connect_error', (error) => {
      socket.disconnect();
      reject(error);
    });
  });
}
