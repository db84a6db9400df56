/**
 * A minimal RTMP publisher, as an encoder speaks to Glint: plain handshake, set chunk size, connect, createStream,
 * publish, then media messages until close. Our own so that the benchmark stamps each tag the moment it goes out,
 * which ffmpeg's RTMP muxer would hide inside its process.
 */
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { type AmfObject, type AmfValue, decodeAmf0, encodeAmf0 } from './amf0.ts';
import { concat, u32be } from './bytes.ts';
import { ChunkReader, MessageType, type RtmpMessage, writeChunks } from './rtmp-chunks.ts';
import { parseRtmpUrl, RtmpClientError, type RtmpUrl } from './rtmp-url.ts';

export { parseRtmpUrl, RtmpClientError, type RtmpClientErrorCode, type RtmpUrl } from './rtmp-url.ts';

export interface RtmpPublishOptions {
  /** From dialling to NetStream.Publish.Start. */
  readonly timeoutMs?: number;
  /** Chunk size we send with (≥ 128). */
  readonly chunkSize?: number;
  readonly log?: (line: string) => void;
}

export interface RtmpPublisher {
  /** The message stream id createStream gave us. */
  readonly streamId: number;
  /** An FLV video tag body (the 5-byte AVC header and the frame), at its FLV timestamp (dts, ms). */
  sendVideo(tagBody: Uint8Array, timestampMs: number): void;
  sendAudio(tagBody: Uint8Array, timestampMs: number): void;
  /** `@setDataFrame onMetaData {…}`, as OBS sends it. */
  sendMetadata(metadata: AmfObject): void;
  /** Bytes handed to the socket and not yet written: a publisher falling behind shows here. */
  readonly bufferedBytes: number;
  /** Settles when the connection ends: undefined after close(), the error otherwise. */
  readonly ended: Promise<RtmpClientError | undefined>;
  /** FCUnpublish + deleteStream, then ends the socket. */
  close(): Promise<void>;
}

const CSID = { Control: 2, Command: 3, Audio: 4, Data: 5, Video: 6 } as const;
const HANDSHAKE_BYTES = 1536;

/** Connects and publishes; resolves once the server said NetStream.Publish.Start. */
export async function publishRtmp(url: string, options: RtmpPublishOptions = {}): Promise<RtmpPublisher> {
  const target = parseRtmpUrl(url);
  const chunkSize = options.chunkSize ?? 4096;
  if (!Number.isInteger(chunkSize) || chunkSize < 128) {
    throw new RtmpClientError('PROTOCOL', `chunk size ${chunkSize} must be an integer ≥ 128`);
  }
  const socket = netConnect({ host: target.host, port: target.port });
  socket.setNoDelay(true); // a frame must not wait for Nagle
  const session = new Session(socket, target, chunkSize, options.log ?? (() => {}));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timer = setTimeout(
    () => session.fail(new RtmpClientError('TIMEOUT', `no NetStream.Publish.Start within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    return await session.started;
  } catch (error) {
    // Whatever went wrong, the socket goes with it.
    session.fail(error instanceof RtmpClientError ? error : new RtmpClientError('PROTOCOL', String(error)));
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

type Pending = { resolve: (values: AmfValue[]) => void; reject: (error: RtmpClientError) => void };

class Session {
  readonly #socket: Socket;
  readonly #target: RtmpUrl;
  readonly #chunkSize: number;
  readonly #log: (line: string) => void;
  readonly #reader = new ChunkReader();
  #handshake: Uint8Array | undefined = new Uint8Array(0);
  #transactionId = 0;
  readonly #pending = new Map<number, Pending>();
  #streamId = 0;
  #publishStart: Pending | undefined;
  /** Settled by the handshake's end (or the connection's failure). */
  #handshakeDone: Pending | undefined;
  #error: RtmpClientError | undefined;
  #closing = false;
  readonly started: Promise<RtmpPublisher>;
  readonly ended: Promise<RtmpClientError | undefined>;
  #resolveEnded!: (error: RtmpClientError | undefined) => void;

  constructor(socket: Socket, target: RtmpUrl, chunkSize: number, log: (line: string) => void) {
    this.#socket = socket;
    this.#target = target;
    this.#chunkSize = chunkSize;
    this.#log = log;
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
    socket.on('connect', () => this.#sendC0C1());
    socket.on('data', (data: Buffer) => {
      try {
        this.#onData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      } catch (error) {
        this.fail(new RtmpClientError('PROTOCOL', `bad bytes from the server: ${(error as Error).message}`));
      }
    });
    socket.on('error', (error) => this.fail(new RtmpClientError('CONNECT_FAILED', error.message)));
    socket.on('close', () => {
      if (this.#closing) this.#resolveEnded(undefined);
      this.fail(new RtmpClientError('CLOSED', 'the server closed the connection'));
    });
    this.started = this.#run();
  }

  fail(error: RtmpClientError): void {
    if (this.#error !== undefined || (this.#closing && error.code === 'CLOSED')) return;
    this.#error = error;
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
    this.#publishStart?.reject(error);
    this.#handshakeDone?.reject(error);
    this.#resolveEnded(error);
    this.#socket.destroy();
  }

  async #run(): Promise<RtmpPublisher> {
    const { app, tcUrl, streamKey } = this.#target;
    await new Promise<AmfValue[]>((resolve, reject) => {
      this.#handshakeDone = { resolve, reject };
    });
    const [, , , info] = await this.#command('connect', {
      app,
      type: 'nonprivate',
      flashVer: 'FMLE/3.0 (compatible; glint-bench)',
      tcUrl,
    });
    this.#log(`rtmp connected: ${statusText(info)}`);
    this.#send(CSID.Command, 0, 0, this.#commandBody('releaseStream', this.#nextTransaction(), null, streamKey));
    this.#send(CSID.Command, 0, 0, this.#commandBody('FCPublish', this.#nextTransaction(), null, streamKey));
    const [, , , streamId] = await this.#command('createStream', null);
    if (typeof streamId !== 'number') throw new RtmpClientError('PROTOCOL', 'createStream answered no stream id');
    this.#streamId = streamId;
    const started = new Promise<AmfValue[]>((resolve, reject) => {
      this.#publishStart = { resolve, reject };
    });
    this.#send(CSID.Data, 0, streamId, this.#commandBody('publish', 0, null, streamKey, 'live'));
    await started;
    this.#log('rtmp publishing');
    return this.#publisher();
  }

  #publisher(): RtmpPublisher {
    const streamId = this.#streamId;
    const socket = this.#socket;
    return {
      streamId,
      sendVideo: (body, ms) => this.#media(CSID.Video, MessageType.Video, body, ms),
      sendAudio: (body, ms) => this.#media(CSID.Audio, MessageType.Audio, body, ms),
      sendMetadata: (metadata) =>
        this.#media(CSID.Data, MessageType.Data, encodeAmf0('@setDataFrame', 'onMetaData', metadata), 0),
      get bufferedBytes() {
        return socket.writableLength;
      },
      ended: this.ended,
      close: async () => {
        if (this.#error === undefined && !this.#closing) {
          this.#send(CSID.Command, 0, 0, this.#commandBody('FCUnpublish', this.#nextTransaction(), null, ''));
          this.#send(CSID.Command, 0, 0, this.#commandBody('deleteStream', this.#nextTransaction(), null, streamId));
          this.#closing = true;
          socket.end();
        }
        await this.ended;
      },
    };
  }

  #media(csid: number, typeId: number, body: Uint8Array, timestampMs: number): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#closing) throw new RtmpClientError('CLOSED', 'publisher closed');
    const message: RtmpMessage = {
      chunkStreamId: csid,
      timestamp: timestampMs,
      typeId,
      streamId: this.#streamId,
      payload: body,
    };
    this.#socket.write(writeChunks(message, this.#chunkSize));
  }

  #nextTransaction(): number {
    this.#transactionId += 1;
    return this.#transactionId;
  }

  #commandBody(name: string, transactionId: number, ...rest: AmfValue[]): Uint8Array {
    return encodeAmf0(name, transactionId, ...rest);
  }

  #command(name: string, commandObject: AmfValue, ...args: AmfValue[]): Promise<AmfValue[]> {
    const id = this.#nextTransaction();
    const answer = new Promise<AmfValue[]>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#send(CSID.Command, 0, 0, this.#commandBody(name, id, commandObject, ...args));
    return answer;
  }

  #send(csid: number, typeId: number, streamId: number, payload: Uint8Array): void {
    const message = { chunkStreamId: csid, timestamp: 0, typeId: typeId || MessageType.Command, streamId, payload };
    this.#socket.write(writeChunks(message, this.#chunkSize));
  }

  #sendC0C1(): void {
    // C1: time (4), zero (4), random (1528): the plain handshake, no digest.
    const c1 = concat(new Uint8Array(8), new Uint8Array(randomBytes(HANDSHAKE_BYTES - 8)));
    this.#socket.write(concat(Uint8Array.of(3), c1));
  }

  #onData(bytes: Uint8Array): void {
    if (this.#handshake !== undefined) {
      this.#handshake = concat(this.#handshake, bytes);
      if (this.#handshake.length < 1 + 2 * HANDSHAKE_BYTES) return;
      const s0 = this.#handshake[0];
      if (s0 !== 3) throw new Error(`handshake version ${s0}, not 3`);
      const s1 = this.#handshake.subarray(1, 1 + HANDSHAKE_BYTES);
      const rest = this.#handshake.subarray(1 + 2 * HANDSHAKE_BYTES);
      this.#handshake = undefined;
      // C2 echoes S1; then our chunk size (itself sent in 128-byte chunks), before connect goes out from #run.
      this.#socket.write(s1.slice());
      const setChunkSize = { chunkStreamId: CSID.Control, timestamp: 0, typeId: MessageType.SetChunkSize, streamId: 0 };
      this.#socket.write(writeChunks({ ...setChunkSize, payload: u32be(this.#chunkSize) }, 128));
      this.#handshakeDone?.resolve([]);
      if (rest.length === 0) return;
      bytes = rest;
    }
    for (const message of this.#reader.push(bytes)) this.#onMessage(message);
  }

  #onMessage(message: RtmpMessage): void {
    if (message.typeId === MessageType.UserControl && message.payload.length >= 6) {
      const view = new DataView(message.payload.buffer, message.payload.byteOffset, message.payload.byteLength);
      if (view.getUint16(0) === 6) {
        const pong = Uint8Array.of(0, 7, ...message.payload.subarray(2, 6)); // PingRequest → PingResponse
        const control = { chunkStreamId: CSID.Control, timestamp: 0, typeId: MessageType.UserControl, streamId: 0 };
        this.#socket.write(writeChunks({ ...control, payload: pong }, this.#chunkSize));
      }
      return;
    }
    if (message.typeId !== MessageType.Command) return;
    const values = decodeAmf0(message.payload);
    const [name, transactionId, , info] = values;
    if (name === '_result' || name === '_error') {
      const pending = typeof transactionId === 'number' ? this.#pending.get(transactionId) : undefined;
      if (pending === undefined) return; // releaseStream/FCPublish answers: nothing waits on them
      this.#pending.delete(transactionId as number);
      if (name === '_result') pending.resolve(values);
      else pending.reject(new RtmpClientError('CONNECT_REFUSED', `connect refused: ${statusText(info)}`));
    } else if (name === 'onStatus') {
      const status = asObject(info);
      if (status?.code === 'NetStream.Publish.Start') this.#publishStart?.resolve(values);
      else if (status?.level === 'error') {
        const error = new RtmpClientError('PUBLISH_REFUSED', `publish refused: ${statusText(info)}`);
        if (this.#publishStart !== undefined) this.#publishStart.reject(error);
        this.fail(error);
      }
    }
  }
}

function asObject(value: AmfValue): AmfObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as AmfObject) : undefined;
}

function statusText(info: AmfValue): string {
  const o = asObject(info);
  if (o === undefined) return 'no status object';
  return [o.code, o.description].filter((s) => typeof s === 'string').join(': ') || 'no code';
}
