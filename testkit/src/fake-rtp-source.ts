import { Listeners } from '@glint/media-core';
import type { MediaKind, RtpCodec, RtpSource } from '@glint/media-server';

/** A listener that throws fails the test that pushed the packet, instead of being logged and forgotten. */
const rethrow = (error: unknown): never => {
  throw error;
};

/** A WHIP publisher stand-in: tests push serialized RTP through it. */
export class FakeRtpSource implements RtpSource {
  readonly channelId: string;
  readonly codecs: Readonly<Partial<Record<MediaKind, RtpCodec>>>;
  keyframeRequests = 0;
  readonly #rtp = { video: new Listeners<[Buffer]>(rethrow), audio: new Listeners<[Buffer]>(rethrow) };
  readonly #close = new Listeners(rethrow);

  constructor(channelId: string, codecs: Readonly<Partial<Record<MediaKind, RtpCodec>>>) {
    this.channelId = channelId;
    this.codecs = codecs;
  }

  onRtp(kind: MediaKind, listener: (packet: Buffer) => void): () => void {
    return this.#rtp[kind].add(listener);
  }

  listenerCount(kind: MediaKind): number {
    return this.#rtp[kind].size;
  }

  emit(kind: MediaKind, packet: Buffer): void {
    this.#rtp[kind].emit(packet);
  }

  requestKeyframe(): void {
    this.keyframeRequests++;
  }

  onClose(listener: () => void): () => void {
    return this.#close.add(listener);
  }

  close(): void {
    this.#close.emit();
  }
}
