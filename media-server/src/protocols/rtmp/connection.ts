import { type AmfObject, amfProperties } from './amf0.ts';
import { ChunkReader, type ChunkReaderLimits, DEFAULT_CHUNK_READER_LIMITS } from './chunk-reader.ts';
import { ChunkWriter } from './chunk-writer.ts';
import {
  commandMessage,
  decodeCommand,
  decodeData,
  onMetaDataOf,
  onStatusMessage,
  type RtmpCommand,
} from './command.ts';
import { RtmpError } from './errors.ts';
import { type HandshakeOptions, ServerHandshake } from './handshake.ts';
import {
  acknowledgementMessage,
  MessageType,
  type RtmpMessage,
  readControlU32,
  setChunkSizeMessage,
  setPeerBandwidthMessage,
  UserControlEvent,
  userControlMessage,
  windowAckSizeMessage,
} from './message.ts';

export interface RtmpConnectionOptions {
  /** Application names a client may connect to (the path segment before the stream key). */
  readonly apps: readonly string[];
  /** Largest message once a publish is accepted; partly received messages may hold twice this. */
  readonly maxMessageBytes?: number;
  readonly maxChunkStreams?: number;
  /** Limits until a publish is accepted: an anonymous peer only needs room for a few commands. */
  readonly beforePublish?: Partial<BeforePublishLimits>;
  /** Chunk size we send with; large chunks cost fewer headers. */
  readonly outChunkSize?: number;
  /** Window we announce, and the one we ack by until the client announces its own. */
  readonly windowAckSize?: number;
  readonly handshake?: HandshakeOptions;
}

/** Why the connection refused the peer; it has already queued the matching `_error` or `onStatus` to send. */
export type RtmpRefusalCode =
  | 'CONNECT_INVALID'
  | 'APP_NOT_FOUND'
  | 'STREAM_KEY_MISSING'
  | 'PLAY_NOT_SUPPORTED'
  | 'PUBLISH_REFUSED';

export type RtmpConnectionEvent =
  | { readonly type: 'send'; readonly bytes: Uint8Array }
  | { readonly type: 'connect'; readonly app: string }
  | { readonly type: 'publish-request'; readonly app: string; readonly streamKey: string }
  | {
      readonly type: 'media';
      readonly kind: 'audio' | 'video';
      readonly timestampMs: number;
      /** An FLV audio or video tag body. */
      readonly body: Uint8Array;
    }
  | { readonly type: 'metadata'; readonly metadata: AmfObject }
  | { readonly type: 'unpublish'; readonly command: string }
  /** Send what was queued, then end the socket. */
  | { readonly type: 'refused'; readonly code: RtmpRefusalCode; readonly description: string }
  /** Something valid but unused (a fixed phrase, never peer data), for debug logs. */
  | { readonly type: 'ignored'; readonly what: string };

export interface BeforePublishLimits {
  /** Largest message before acceptance; connect and publish commands are a few hundred bytes. */
  readonly maxMessageBytes: number;
  /** Bytes held for partly received messages before acceptance. */
  readonly maxPendingBytes: number;
  /** Messages before acceptance; ffmpeg and OBS send under ten. Bounds the work an anonymous peer can ask for. */
  readonly maxMessages: number;
  /** Bytes before acceptance, handshake included (3073); an encoder sends about 5 KiB in all. */
  readonly maxBytes: number;
}

export const DEFAULT_BEFORE_PUBLISH_LIMITS: BeforePublishLimits = {
  maxMessageBytes: 64 * 1024,
  maxPendingBytes: 64 * 1024,
  maxMessages: 256,
  maxBytes: 256 * 1024,
};

type State = 'handshake' | 'await-connect' | 'connected' | 'authorizing' | 'publishing' | 'unpublished' | 'closed';

const PUBLISH_STREAM_ID = 1;
/** A window below this would make us ack nearly every read. */
const MIN_ACK_WINDOW = 4096;

/**
 * The server side of one RTMP connection, without I/O: bytes in, events out (including bytes to send).
 * Ingest only: connect, releaseStream/FCPublish/createStream, publish, FCUnpublish/deleteStream.
 * Publishing is two-step: `publish` yields a `publish-request`, and nothing of the stream is delivered until the
 * caller answers with `acceptPublish()`; `rejectPublish()` refuses it before NetStream.Publish.Start is ever sent.
 * Protocol violations throw RtmpError.
 */
export class RtmpServerConnection {
  readonly #options: RtmpConnectionOptions;
  readonly #handshake: ServerHandshake;
  readonly #reader: ChunkReader;
  /** What the reader allows once the publish is accepted. */
  readonly #publishLimits: ChunkReaderLimits;
  readonly #beforePublish: BeforePublishLimits;
  #messagesBeforePublish = 0;
  readonly #writer = new ChunkWriter();
  #state: State = 'handshake';
  #app = '';
  #publishStreamId = PUBLISH_STREAM_ID;
  #bytesReceived = 0;
  #ackedAt = 0;
  #ackWindow: number;
  #out: RtmpConnectionEvent[] = [];

  constructor(options: RtmpConnectionOptions) {
    this.#options = options;
    this.#handshake = new ServerHandshake(options.handshake);
    const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_CHUNK_READER_LIMITS.maxMessageBytes;
    const maxChunkStreams = options.maxChunkStreams ?? DEFAULT_CHUNK_READER_LIMITS.maxChunkStreams;
    this.#publishLimits = { maxMessageBytes, maxChunkStreams, maxPendingBytes: 2 * maxMessageBytes };
    this.#beforePublish = { ...DEFAULT_BEFORE_PUBLISH_LIMITS, ...options.beforePublish };
    this.#reader = new ChunkReader({
      maxChunkStreams,
      maxMessageBytes: Math.min(maxMessageBytes, this.#beforePublish.maxMessageBytes),
      maxPendingBytes: Math.min(2 * maxMessageBytes, this.#beforePublish.maxPendingBytes),
    });
    this.#ackWindow = options.windowAckSize ?? 2_500_000;
  }

  get state(): State {
    return this.#state;
  }

  /** Bytes this connection holds for input not yet delivered: unparsed bytes plus partly received messages. */
  get heldBytes(): number {
    return this.#reader.bufferedBytes + this.#reader.pendingBytes;
  }

  push(bytes: Uint8Array): RtmpConnectionEvent[] {
    if (this.#state === 'closed') return [];
    this.#bytesReceived += bytes.length;
    if (this.#beforeAcceptance() && this.#bytesReceived > this.#beforePublish.maxBytes) {
      throw new RtmpError(
        'BEFORE_PUBLISH_LIMIT',
        `more than ${this.#beforePublish.maxBytes} bytes before a publish was accepted`,
      );
    }
    let rest = bytes;
    if (this.#state === 'handshake') {
      const step = this.#handshake.push(bytes);
      if (step.output) this.#send(step.output);
      if (!step.done) return this.#flush();
      this.#state = 'await-connect';
      rest = step.remainder;
    }
    if (rest.length > 0) {
      for (const message of this.#read(rest)) {
        if (this.#closed()) break;
        this.#countBeforePublish();
        this.#onMessage(message);
      }
    }
    if (!this.#closed() && this.#bytesReceived - this.#ackedAt >= this.#ackWindow) {
      this.#ackedAt = this.#bytesReceived;
      this.#sendMessage(acknowledgementMessage(this.#bytesReceived % 2 ** 32));
    }
    return this.#flush();
  }

  #read(bytes: Uint8Array): RtmpMessage[] {
    try {
      return this.#reader.push(bytes);
    } catch (error) {
      if (this.#beforeAcceptance() && error instanceof RtmpError && error.code === 'MESSAGE_TOO_LARGE') {
        throw new RtmpError(
          error.code,
          `${error.message}; until a publish is accepted, messages are limited to ` +
            `${this.#beforePublish.maxMessageBytes} bytes`,
        );
      }
      throw error;
    }
  }

  #beforeAcceptance(): boolean {
    return this.#state !== 'publishing' && this.#state !== 'unpublished';
  }

  #countBeforePublish(): void {
    if (!this.#beforeAcceptance()) return;
    this.#messagesBeforePublish += 1;
    if (this.#messagesBeforePublish > this.#beforePublish.maxMessages) {
      throw new RtmpError(
        'BEFORE_PUBLISH_LIMIT',
        `more than ${this.#beforePublish.maxMessages} messages before a publish was accepted`,
      );
    }
  }

  /** A method, not a field read, so that TypeScript does not narrow the state across message handlers. */
  #closed(): boolean {
    return this.#state === 'closed';
  }

  acceptPublish(): RtmpConnectionEvent[] {
    if (this.#state !== 'authorizing') return [];
    this.#state = 'publishing';
    this.#reader.setLimits(this.#publishLimits);
    this.#sendMessage(userControlMessage(UserControlEvent.StreamBegin, this.#publishStreamId));
    this.#sendMessage(
      onStatusMessage(this.#publishStreamId, {
        level: 'status',
        code: 'NetStream.Publish.Start',
        description: 'Publishing started.',
      }),
    );
    return this.#flush();
  }

  /** `description` reaches the encoder's user (OBS shows it); it must not contain secrets. */
  rejectPublish(description: string): RtmpConnectionEvent[] {
    if (this.#state !== 'authorizing') return [];
    this.#refusePublish('PUBLISH_REFUSED', description);
    return this.#flush();
  }

  #flush(): RtmpConnectionEvent[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #send(bytes: Uint8Array): void {
    this.#out.push({ type: 'send', bytes });
  }

  #sendMessage(message: RtmpMessage): void {
    this.#send(this.#writer.write(message));
  }

  #emit(event: RtmpConnectionEvent): void {
    this.#out.push(event);
  }

  #onMessage(message: RtmpMessage): void {
    switch (message.typeId) {
      case MessageType.SetChunkSize:
      case MessageType.Abort:
      case MessageType.Acknowledgement:
      case MessageType.SetPeerBandwidth:
        return; // chunk-level ones are applied by the reader; we send too little to need flow control
      case MessageType.WindowAckSize: {
        const size = readControlU32(message.payload);
        if (size !== undefined) this.#ackWindow = Math.max(MIN_ACK_WINDOW, size);
        return;
      }
      case MessageType.UserControl:
        return this.#onUserControl(message.payload);
      case MessageType.Audio:
      case MessageType.Video:
        return this.#onMedia(message, message.timestamp, message.payload);
      case MessageType.DataAmf0:
      case MessageType.DataAmf3:
        return this.#onData(message);
      case MessageType.CommandAmf0:
      case MessageType.CommandAmf3:
        return this.#onCommand(decodeCommand(message), message);
      case MessageType.Aggregate:
        return this.#onAggregate(message);
      default:
        return this.#emit({ type: 'ignored', what: 'message of an unused type' });
    }
  }

  #onUserControl(payload: Uint8Array): void {
    if (payload.length < 2) return this.#emit({ type: 'ignored', what: 'short user control message' });
    const event = (payload[0]! << 8) | payload[1]!;
    const value = readControlU32(payload, 2);
    if (event === UserControlEvent.PingRequest && value !== undefined) {
      this.#sendMessage(userControlMessage(UserControlEvent.PingResponse, value));
    }
  }

  #isPublishedStream(message: RtmpMessage): boolean {
    return this.#state === 'publishing' && message.streamId === this.#publishStreamId;
  }

  #onMedia(message: RtmpMessage, timestampMs: number, body: Uint8Array): void {
    if (!this.#isPublishedStream(message)) {
      // Before acceptance (or after refusal) nothing a publisher sends is delivered anywhere.
      return this.#emit({ type: 'ignored', what: 'media outside an accepted publish' });
    }
    this.#emit({
      type: 'media',
      kind: message.typeId === MessageType.Audio ? 'audio' : 'video',
      timestampMs,
      body,
    });
  }

  #onData(message: RtmpMessage): void {
    if (!this.#isPublishedStream(message)) return this.#emit({ type: 'ignored', what: 'data outside a publish' });
    const metadata = onMetaDataOf(decodeData(message));
    if (metadata === undefined) return this.#emit({ type: 'ignored', what: 'data message other than onMetaData' });
    this.#emit({ type: 'metadata', metadata });
  }

  /** An aggregate message holds FLV tags whose timestamps are relative to the first one (RTMP 1.0 §7.1.6). */
  #onAggregate(message: RtmpMessage): void {
    if (!this.#isPublishedStream(message)) return this.#emit({ type: 'ignored', what: 'aggregate outside a publish' });
    const p = message.payload;
    let at = 0;
    let firstTagMs: number | undefined;
    while (at < p.length) {
      if (at + 11 > p.length) throw new RtmpError('COMMAND_INVALID', 'aggregate message has a truncated tag header');
      const typeId = p[at]!;
      const size = (p[at + 1]! << 16) | (p[at + 2]! << 8) | p[at + 3]!;
      const tagMs = ((p[at + 7]! << 24) | (p[at + 4]! << 16) | (p[at + 5]! << 8) | p[at + 6]!) >>> 0;
      const end = at + 11 + size;
      if (end + 4 > p.length) throw new RtmpError('COMMAND_INVALID', 'aggregate message has a truncated tag body');
      firstTagMs ??= tagMs;
      const timestampMs = (message.timestamp + tagMs - firstTagMs) >>> 0;
      if (typeId === MessageType.Audio || typeId === MessageType.Video) {
        this.#onMedia({ ...message, typeId }, timestampMs, p.slice(at + 11, end));
      }
      at = end + 4; // skip the back pointer
    }
  }

  #onCommand(command: RtmpCommand, message: RtmpMessage): void {
    switch (command.name) {
      case 'connect':
        return this.#onConnect(command);
      case 'releaseStream':
      case 'FCPublish':
        this.#requireConnected(command.name);
        return this.#sendMessage(commandMessage(0, '_result', command.transactionId, null, undefined));
      case 'createStream':
        this.#requireConnected(command.name);
        return this.#sendMessage(commandMessage(0, '_result', command.transactionId, null, PUBLISH_STREAM_ID));
      case 'publish':
        return this.#onPublish(command, message);
      case 'FCUnpublish':
      case 'deleteStream':
      case 'closeStream':
        if (this.#state === 'publishing' || this.#state === 'authorizing') {
          this.#state = 'unpublished';
          this.#emit({ type: 'unpublish', command: command.name });
        }
        return;
      case 'play':
      case 'play2':
        this.#sendMessage(
          onStatusMessage(message.streamId, {
            level: 'error',
            code: 'NetStream.Play.Failed',
            description: 'This server only accepts publishing; watch the stream over HLS or WebRTC.',
          }),
        );
        return this.#refuse('PLAY_NOT_SUPPORTED', 'play is not supported');
      default:
        return this.#emit({ type: 'ignored', what: 'unknown command' });
    }
  }

  #requireConnected(name: string): void {
    if (this.#state === 'await-connect') {
      throw new RtmpError('COMMAND_OUT_OF_ORDER', `${name} before connect`);
    }
  }

  #onConnect(command: RtmpCommand): void {
    if (this.#state !== 'await-connect') throw new RtmpError('COMMAND_OUT_OF_ORDER', 'second connect');
    const props = amfProperties(command.commandObject);
    const app = props?.app;
    const tcUrl = props?.tcUrl;
    if (typeof app !== 'string' || typeof tcUrl !== 'string') {
      return this.#rejectConnect(
        command,
        'CONNECT_INVALID',
        'The connect command must carry "app" and "tcUrl"; check the server URL in your encoder.',
      );
    }
    // OBS and others may append a query string to the app; the app name is the path before it.
    const name = app.split('?')[0]!.replace(/^\/+|\/+$/g, '');
    if (!this.#options.apps.includes(name)) {
      return this.#rejectConnect(
        command,
        'APP_NOT_FOUND',
        `Unknown application; use rtmp://<host>/${this.#options.apps[0] ?? 'live'}/<stream key>.`,
      );
    }
    this.#app = name;
    this.#state = 'connected';
    const windowAckSize = this.#options.windowAckSize ?? 2_500_000;
    const chunkSize = this.#options.outChunkSize ?? 4096;
    this.#sendMessage(windowAckSizeMessage(windowAckSize));
    this.#sendMessage(setPeerBandwidthMessage(windowAckSize, 2));
    this.#sendMessage(setChunkSizeMessage(chunkSize));
    this.#writer.setChunkSize(chunkSize);
    this.#sendMessage(
      commandMessage(
        0,
        '_result',
        command.transactionId,
        { fmsVer: 'FMS/3,0,1,123', capabilities: 31 },
        {
          level: 'status',
          code: 'NetConnection.Connect.Success',
          description: 'Connection succeeded.',
          objectEncoding: 0,
        },
      ),
    );
    this.#emit({ type: 'connect', app: name });
  }

  #rejectConnect(command: RtmpCommand, code: RtmpRefusalCode, description: string): void {
    this.#sendMessage(
      commandMessage(0, '_error', command.transactionId, null, {
        level: 'error',
        code: 'NetConnection.Connect.Rejected',
        description,
      }),
    );
    this.#refuse(code, description);
  }

  #onPublish(command: RtmpCommand, message: RtmpMessage): void {
    if (this.#state !== 'connected') throw new RtmpError('COMMAND_OUT_OF_ORDER', `publish in state ${this.#state}`);
    const streamKey = command.args[0];
    this.#publishStreamId = message.streamId;
    if (typeof streamKey !== 'string' || streamKey === '') {
      this.#state = 'authorizing';
      return this.#refusePublish('STREAM_KEY_MISSING', 'No stream key given; set the stream key in your encoder.');
    }
    this.#state = 'authorizing';
    this.#emit({ type: 'publish-request', app: this.#app, streamKey });
  }

  #refusePublish(code: RtmpRefusalCode, description: string): void {
    // BadName is what Flash Media Server answered for a refused or taken stream name; encoders show description.
    this.#sendMessage(
      onStatusMessage(this.#publishStreamId, { level: 'error', code: 'NetStream.Publish.BadName', description }),
    );
    this.#refuse(code, description);
  }

  #refuse(code: RtmpRefusalCode, description: string): void {
    this.#state = 'closed';
    this.#emit({ type: 'refused', code, description });
  }
}
