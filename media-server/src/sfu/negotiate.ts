import type { RTCPeerConnection } from 'werift';
import { NegotiationError } from './errors.ts';

/** Applies an offer and returns the complete answer (all host candidates in it: ICE-lite gathers at once). */
export async function answerOffer(pc: RTCPeerConnection, offerSdp: string): Promise<string> {
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NegotiationError(`the offer could not be answered (${reason}); send a standard WebRTC offer`);
  }
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new NegotiationError('no answer was produced for the offer');
  return sdp;
}

/** A set of listeners where one that throws is reported and never breaks the emitter or the others. */
export class Listeners<A extends unknown[]> {
  readonly #set = new Set<(...args: A) => void>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  get size(): number {
    return this.#set.size;
  }

  add(listener: (...args: A) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }

  emit(...args: A): void {
    for (const listener of this.#set) {
      try {
        listener(...args);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  clear(): void {
    this.#set.clear();
  }
}
