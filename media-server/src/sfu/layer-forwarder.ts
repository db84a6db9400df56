/**
 * One viewer's video out of several layers (each its own SSRC, sequence and timing): forwards the current layer's
 * packets and, once a target is set, switches at the target's next keyframe, the old layer forwarded until then (no
 * freeze while waiting). Sequence numbers and timestamps are rewritten so the viewer sees one track: the sequence
 * goes on by one across a switch, and the new layer's timestamps continue from the last one sent by the wall time
 * between the two (the layers' encoders run with different delays, so their own clocks cannot be trusted to line up
 * at the viewer). Pure apart from the injected clock; holds no packets.
 */

export interface ForwardedPacket {
  readonly packet: Buffer;
  /** This packet made the switch to its layer (or started the viewer). */
  readonly switched: boolean;
}

const SEQ_MOD = 0x1_0000;
const TS_MOD = 0x1_0000_0000;

export class LayerForwarder {
  readonly #nowMs: () => number;
  #current: string | null = null;
  #target: string | null = null;
  #seqOffset = 0;
  #tsOffset = 0;
  #lastSeq: number | null = null;
  #lastTs = 0;
  #lastAtMs = 0;
  /** Completed switches (the first start not counted). */
  switches = 0;
  /** Since when the current layer is held back (see `holdCurrent`), or null. */
  #heldSinceMs: number | null = null;
  /** Packets held back so far. */
  held = 0;

  constructor(nowMs: () => number = () => performance.now()) {
    this.#nowMs = nowMs;
  }

  /** The layer being forwarded, null before the first keyframe. */
  get current(): string | null {
    return this.#current;
  }

  /** The layer waited for (its next keyframe), null when none. */
  get target(): string | null {
    return this.#target;
  }

  /** Switch to `id` at its next keyframe; the current layer (or null) cancels a pending switch. */
  setTarget(id: string | null): void {
    this.#target = id === this.#current ? null : id;
    if (this.#target === null) this.#heldSinceMs = null;
  }

  /**
   * Stops forwarding the current layer until the target's keyframe, for at most `maxMs`: on a link already dropping
   * packets the old layer's picture is broken anyway, and what it still sends would queue ahead of the new
   * keyframe. The packets held are never numbered: the new layer's keyframe follows the last packet sent.
   */
  holdCurrent(maxMs: number): void {
    if (this.#target === null || this.#current === null || this.#heldSinceMs !== null) return;
    this.#heldSinceMs = this.#nowMs();
    this.#holdMaxMs = maxMs;
  }

  #holdMaxMs = 0;

  get holding(): boolean {
    return this.#heldSinceMs !== null;
  }

  /** The current layer is gone: nothing is forwarded until the target's keyframe. */
  dropCurrent(): void {
    this.#current = null;
  }

  /**
   * A packet of `layerId`; `opensKeyframe` when it is the first of a keyframe (see startsKeyframe). Returns what to
   * send to the viewer (a rewritten copy when the offsets are not zero), or null.
   */
  push(layerId: string, packet: Buffer, opensKeyframe: boolean): ForwardedPacket | null {
    let switched = false;
    if (layerId === this.#target && opensKeyframe && packet.length >= 12) {
      this.#switchTo(layerId, packet);
      switched = true;
    }
    if (layerId !== this.#current || packet.length < 12) return null;
    if (this.#heldSinceMs !== null) {
      if (this.#target !== null && this.#nowMs() - this.#heldSinceMs < this.#holdMaxMs) {
        this.held++;
        return null;
      }
      this.#heldSinceMs = null;
    }
    const seq = (packet.readUInt16BE(2) + this.#seqOffset) % SEQ_MOD;
    const ts = (packet.readUInt32BE(4) + this.#tsOffset) % TS_MOD;
    let out = packet;
    if (this.#seqOffset !== 0 || this.#tsOffset !== 0) {
      out = Buffer.from(packet);
      out.writeUInt16BE(seq, 2);
      out.writeUInt32BE(ts, 4);
    }
    this.#lastSeq = seq;
    if (ts !== this.#lastTs) this.#lastAtMs = this.#nowMs();
    this.#lastTs = ts;
    return { packet: out, switched };
  }

  #switchTo(layerId: string, packet: Buffer): void {
    const inSeq = packet.readUInt16BE(2);
    const inTs = packet.readUInt32BE(4);
    if (this.#lastSeq === null) {
      // The first layer goes out as it is.
      this.#seqOffset = 0;
      this.#tsOffset = 0;
    } else {
      this.switches++;
      this.#seqOffset = (this.#lastSeq + 1 - inSeq + SEQ_MOD) % SEQ_MOD;
      const elapsed90k = Math.max(1, Math.round((this.#nowMs() - this.#lastAtMs) * 90));
      this.#tsOffset = (((this.#lastTs + elapsed90k - inTs) % TS_MOD) + TS_MOD) % TS_MOD;
    }
    this.#current = layerId;
    this.#target = null;
    this.#heldSinceMs = null;
  }
}
