import { codec } from '@glint/media-core';
import { AccessUnitBuffer } from './access-unit-buffer.ts';
import { RtpError } from './errors.ts';
import { RtpNalType } from './h264-packetizer.ts';
import { parseRtpPacket, type RtpPacket } from './packet.ts';

/** One access unit rebuilt from RTP. */
export interface H264AccessUnit {
  readonly nals: readonly Uint8Array[];
  /** The NAL units joined in `format`. */
  readonly data: Uint8Array;
  readonly format: 'annexb' | 'avcc';
  /** The 32-bit RTP timestamp all its packets carried. */
  readonly timestamp: number;
  /** An IDR slice is present. */
  readonly keyframe: boolean;
  /** Parameter sets carried in this access unit (empty when none). */
  readonly sps: readonly Uint8Array[];
  readonly pps: readonly Uint8Array[];
}

export interface DepacketizeResult {
  readonly accessUnits: readonly H264AccessUnit[];
  /** Malformed payloads met (their access unit is dropped); the depacketizer goes on with the next packets. */
  readonly errors: readonly RtpError[];
}

export interface H264DepacketizerOptions {
  readonly format?: 'annexb' | 'avcc';
  /**
   * Largest access unit, in bytes of its NAL units with a 4-byte prefix each; a larger one is dropped
   * (ACCESS_UNIT_TOO_LARGE) and a keyframe is needed. Default `codec.MAX_ACCESS_UNIT_BYTES` (4 MiB).
   */
  readonly maxAccessUnitBytes?: number;
  /** Most NAL units in one access unit (TOO_MANY_NALS past it). Default `codec.MAX_NALS_PER_ACCESS_UNIT` (1,024). */
  readonly maxNalsPerAccessUnit?: number;
}

const NO_OUTPUT: DepacketizeResult = { accessUnits: [], errors: [] };

/**
 * RTP (RFC 6184 packetization-mode 0 or 1, in order, possibly with loss) back to H.264 access units. An access unit
 * ends on the marker bit or when the timestamp changes. A sequence gap or a malformed payload drops the access units
 * it touches, and from then on only an IDR access unit is let out: `needsKeyframe` says so (ask the sender for one).
 * Until the first IDR, it needs a keyframe too. An access unit (FU-A reassembly included) is bounded in bytes and NAL
 * units: one that grows past a limit is dropped the same way, and the rest of its packets are skipped unread.
 */
export class H264Depacketizer {
  readonly #format: 'annexb' | 'avcc';
  #lastSeq: number | null = null;
  #timestamp: number | null = null;
  readonly #au: AccessUnitBuffer;
  #broken = false;
  /** A timestamp whose remaining packets are dropped after a gap. */
  #brokenTimestamp: number | null = null;
  /** NAL type of the FU-A unit being reassembled in `#au`. */
  #fuType: number | null = null;
  #needsKeyframe = true;
  droppedAccessUnits = 0;
  lostPackets = 0;

  constructor(options: H264DepacketizerOptions = {}) {
    this.#format = options.format ?? 'annexb';
    this.#au = new AccessUnitBuffer(this.#format, {
      maxBytes: options.maxAccessUnitBytes ?? codec.MAX_ACCESS_UNIT_BYTES,
      maxNals: options.maxNalsPerAccessUnit ?? codec.MAX_NALS_PER_ACCESS_UNIT,
    });
  }

  get needsKeyframe(): boolean {
    return this.#needsKeyframe;
  }

  /** Parses and pushes serialized RTP; a packet that does not parse is reported like a gap. */
  pushBytes(bytes: Uint8Array): DepacketizeResult {
    let packet: RtpPacket;
    try {
      packet = parseRtpPacket(bytes);
    } catch (error) {
      if (!(error instanceof RtpError)) throw error;
      this.#breakCurrent();
      return { accessUnits: [], errors: [error] };
    }
    return this.push(packet);
  }

  push(packet: RtpPacket): DepacketizeResult {
    const { sequenceNumber: seq, timestamp, marker } = packet.header;
    const out: H264AccessUnit[] = [];
    const errors: RtpError[] = [];
    if (this.#lastSeq !== null) {
      const delta = (seq - this.#lastSeq) & 0xffff;
      // A duplicate or a late packet (delta in the upper half) is ignored: order is what we rely on.
      if (delta === 0 || delta >= 0x8000) return NO_OUTPUT;
      if (delta > 1) {
        this.lostPackets += delta - 1;
        this.#breakCurrent();
        // The lost packets may have started the access unit this packet belongs to: drop it too.
        this.#brokenTimestamp = timestamp;
      }
    }
    this.#lastSeq = seq;
    if (this.#timestamp !== null && timestamp !== this.#timestamp) this.#finish(out);
    if (this.#brokenTimestamp !== null) {
      if (timestamp === this.#brokenTimestamp) return out.length ? { accessUnits: out, errors } : NO_OUTPUT;
      this.#brokenTimestamp = null;
    }
    this.#timestamp = timestamp;
    if (!this.#broken) {
      try {
        this.#payload(packet.payload);
      } catch (error) {
        if (!(error instanceof RtpError)) throw error;
        errors.push(error);
        this.#breakCurrent();
      }
    }
    if (marker) this.#finish(out);
    return out.length || errors.length ? { accessUnits: out, errors } : NO_OUTPUT;
  }

  /** Drops what is buffered (the sender went away, or the caller knows the stream broke). */
  reset(): void {
    this.#breakCurrent();
    this.#lastSeq = null;
  }

  /** The access unit being built is lost: its bytes are freed now, its remaining packets skipped. */
  #breakCurrent(): void {
    if (this.#timestamp !== null) this.#broken = true;
    this.#fuType = null;
    this.#au.clear();
    this.#needsKeyframe = true;
  }

  #payload(payload: Uint8Array): void {
    const first = payload[0];
    if (first === undefined) throw new RtpError('EMPTY_PAYLOAD', 'H.264 RTP payload is empty');
    const type = first & 0x1f;
    if (type !== RtpNalType.FU_A && this.#fuType !== null) {
      throw new RtpError('TRUNCATED_FU_A', 'an FU-A fragmented NAL unit ended without its end fragment');
    }
    if (type >= 1 && type <= 23) {
      this.#au.add(payload);
      return;
    }
    switch (type) {
      case RtpNalType.STAP_A:
        this.#stapA(payload);
        return;
      case RtpNalType.FU_A:
        this.#fuA(payload);
        return;
      case RtpNalType.STAP_B:
      case RtpNalType.MTAP16:
      case RtpNalType.MTAP24:
      case RtpNalType.FU_B:
        throw new RtpError(
          'UNSUPPORTED_NAL_TYPE',
          `RTP NAL type ${type} belongs to interleaved mode (packetization-mode 2), not supported`,
        );
      default:
        throw new RtpError('INVALID_NAL_TYPE', `RTP NAL type ${type} is reserved or undefined (RFC 6184 5.2)`);
    }
  }

  /** Each unit is checked before it is added; a bad one breaks the whole access unit, so none is kept anyway. */
  #stapA(payload: Uint8Array): void {
    let pos = 1;
    if (pos >= payload.length) throw new RtpError('STAP_A_OVERRUN', 'STAP-A holds no NAL unit');
    while (pos < payload.length) {
      if (pos + 2 > payload.length) throw new RtpError('STAP_A_OVERRUN', `STAP-A size field at byte ${pos} is cut off`);
      const size = (payload[pos]! << 8) | payload[pos + 1]!;
      pos += 2;
      if (size === 0) throw new RtpError('STAP_A_OVERRUN', `STAP-A unit at byte ${pos} has size 0`);
      if (pos + size > payload.length) {
        throw new RtpError('STAP_A_OVERRUN', `STAP-A unit claims ${size} bytes, ${payload.length - pos} remain`);
      }
      const nal = payload.subarray(pos, pos + size);
      const t = nal[0]! & 0x1f;
      if (t === 0 || t > 23) throw new RtpError('INVALID_NAL_TYPE', `STAP-A holds NAL type ${t}`);
      this.#au.add(nal);
      pos += size;
    }
  }

  #fuA(payload: Uint8Array): void {
    if (payload.length < 3) throw new RtpError('TRUNCATED_FU_A', `FU-A payload of ${payload.length} bytes`);
    const fuHeader = payload[1]!;
    const start = (fuHeader & 0x80) !== 0;
    const end = (fuHeader & 0x40) !== 0;
    const type = fuHeader & 0x1f;
    if (type === 0 || type > 23) throw new RtpError('INVALID_NAL_TYPE', `FU-A carries NAL type ${type}`);
    if (start && end) throw new RtpError('TRUNCATED_FU_A', 'FU-A fragment has both start and end bits');
    if (start) {
      if (this.#fuType !== null) {
        throw new RtpError('FU_A_OUT_OF_ORDER', 'FU-A start while another NAL unit is unfinished');
      }
      this.#au.open((payload[0]! & 0xe0) | type);
      this.#fuType = type;
    } else if (this.#fuType === null) {
      throw new RtpError('FU_A_OUT_OF_ORDER', 'FU-A continuation without its start fragment');
    } else if (this.#fuType !== type) {
      throw new RtpError('FU_A_OUT_OF_ORDER', `FU-A fragment of NAL type ${type} inside one of type ${this.#fuType}`);
    }
    this.#au.append(payload.subarray(2));
    if (!end) return;
    this.#au.close();
    this.#fuType = null;
  }

  #finish(out: H264AccessUnit[]): void {
    const timestamp = this.#timestamp;
    const broken = this.#broken || this.#fuType !== null;
    this.#timestamp = null;
    this.#broken = false;
    this.#fuType = null;
    if (timestamp === null) return;
    if (broken) {
      this.#au.clear();
      this.droppedAccessUnits++;
      this.#needsKeyframe = true;
      return;
    }
    if (this.#au.isEmpty) return;
    const { data, nals } = this.#au.take();
    const sps: Uint8Array[] = [];
    const pps: Uint8Array[] = [];
    let keyframe = false;
    for (const nal of nals) {
      const type = nal[0]! & 0x1f;
      if (type === codec.NalType.IDR) keyframe = true;
      else if (type === codec.NalType.SPS) sps.push(nal);
      else if (type === codec.NalType.PPS) pps.push(nal);
    }
    if (this.#needsKeyframe && !keyframe) {
      this.droppedAccessUnits++;
      return;
    }
    this.#needsKeyframe = false;
    out.push({ nals, data, format: this.#format, timestamp, keyframe, sps, pps });
  }
}

/** NAL units joined with 4-byte start codes. */
export function joinAnnexB(nals: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const nal of nals) total += 4 + nal.length;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const nal of nals) {
    out[pos + 3] = 1;
    out.set(nal, pos + 4);
    pos += 4 + nal.length;
  }
  return out;
}
