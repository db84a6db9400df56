/** A chat client for the server's integration tests: a real `ws` socket that keeps every frame it is sent. */
import { until } from '@glint/testkit';
import { WebSocket } from 'ws';
import type { ClientFrame, SequencedEvent, ServerFrame } from '../src/protocol/types.ts';

export type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

export class TestChatClient {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  closeCode: number | null = null;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as ServerFrame));
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closeCode = code;
        resolve({ code, reason: String(reason) });
      }),
    );
  }

  /** Connects (with a session token as a Bearer, or as a cookie) and waits for `hello`. */
  static async open(url: string, auth: { bearer?: string; cookie?: string } = {}): Promise<TestChatClient> {
    const headers: Record<string, string> = {};
    if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
    if (auth.cookie) headers.cookie = `glint_session=${auth.cookie}`;
    const ws = new WebSocket(url, { headers });
    const client = new TestChatClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    await client.next('hello');
    return client;
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Joins and returns the `joined` frame. */
  async join(room: string, since?: number): Promise<FrameOf<'joined'>> {
    const from = this.frames.length;
    this.send(since === undefined ? { type: 'join', room } : { type: 'join', room, since });
    return this.next('joined', (f) => f.room === room, from);
  }

  /** The first frame of `type` (and matching `match`) at or after index `from` of the frames received. */
  async next<T extends ServerFrame['type']>(
    type: T,
    match: (frame: FrameOf<T>) => boolean = () => true,
    from = 0,
  ): Promise<FrameOf<T>> {
    return until(
      () =>
        this.frames.slice(from).find((f): f is FrameOf<T> => f.type === type && match(f as FrameOf<T>)) ?? undefined,
      { what: `a ${type} frame`, timeoutMs: 5000, detail: () => JSON.stringify(this.frames.slice(-5)) },
    );
  }

  /** Sends a frame and waits for the error it is answered with. */
  async refused(frame: ClientFrame | Record<string, unknown>): Promise<FrameOf<'error'>> {
    const from = this.frames.length;
    this.send(frame);
    return this.next('error', () => true, from);
  }

  /** Every event received in `room` so far, in the order received. */
  events(room: string): SequencedEvent[] {
    return this.frames.flatMap((f) => (f.type === 'events' && f.room === room ? f.events : []));
  }

  /** Waits until `count` events of the room have arrived (after those in its joined history). */
  async eventsUntil(room: string, count: number): Promise<SequencedEvent[]> {
    return until(() => this.events(room).length >= count && this.events(room), {
      what: `${count} events in ${room}`,
      timeoutMs: 5000,
      detail: () => JSON.stringify(this.events(room).slice(-3)),
    });
  }

  /** Sends a ping and waits for its pong: proof the server still serves this client. */
  async pingPong(): Promise<void> {
    const from = this.frames.length;
    this.send({ type: 'ping' });
    await this.next('pong', () => true, from);
  }

  close(): void {
    this.ws.close();
  }
}
