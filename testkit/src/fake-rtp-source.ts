import type { MediaKind, RtpCodec, RtpSource } from '@glint/media-server';

/** A WHIP publisher stand-in: tests push serialized RTP through it. */
export class FakeRtpSource implements RtpSource {
  readonly channelId: string;
  readonly codecs: Readonly<Partial<Record<MediaKind, RtpCodec>>>;
  keyframeRequests = 0;
  readonly #listeners = { video: new Set<(p: Buffer) => void>(), audio: new Set<(p: Buffer) => void>() };
  readonly #close = new Set<() => void>();

  constructor(channelId: string, codecs: Readonly<Partial<Record<MediaKind, RtpCodec>>>) {
    this.channelId = channelId;
    this.codecs = codecs;
  }

  onRtp(kind: MediaKind, listener: (packet: Buffer) => void): () => void {
    this.#listeners[kind].add(listener);
    return () => this.#listeners[kind].delete(listener);
  }

  listenerCount(kind: MediaKind): number {
    return this.#listeners[kind].size;
  }

  emit(kind: MediaKind, packet: Buffer): void {
    for (const listener of this.#listeners[kind]) listener(packet);
  }

  requestKeyframe(): void {
    this.keyframeRequests++;
  }

  onClose(listener: () => void): () => void {
    this.#close.add(listener);
    return () => this.#close.delete(listener);
  }

  close(): void {
    for (const listener of [...this.#close]) listener();
  }
}
