import { codec } from '@glint/media-core';
import { RtpError } from './errors.ts';
import { serializeRtpPacket } from './packet.ts';
import { toRtpTimestamp } from './timestamps.ts';

/** RFC 6184 5.4 NAL unit types used only as RTP payload structures. */
export const RtpNalType = { STAP_A: 24, STAP_B: 25, MTAP16: 26, MTAP24: 27, FU_A: 28, FU_B: 29 } as const;

const NAL_FILLER = 12;
export const DEFAULT_MAX_PAYLOAD_BYTES = 1200;

/** One RTP payload and whether it ends the access unit (the marker bit, RFC 6184 5.1). */
export interface RtpPayload {
  readonly payload: Uint8Array;
  readonly marker: boolean;
}

export interface H264PacketizeOptions {
  /** Largest RTP payload to produce; NAL units above it are fragmented (FU-A). Default 1200. */
  readonly maxPayloadBytes?: number;
  /** Parameter sets put in front of an IDR access unit that does not carry both itself. */
  readonly config?: { readonly sps: readonly Uint8Array[]; readonly pps: readonly Uint8Array[] };
  /** Drop SEI NAL units too (AUD and filler data are always dropped: they mean nothing to an RTP receiver). */
  readonly dropSei?: boolean;
}

/** NAL units as they go on the wire for one access unit: AUD/filler removed, SPS/PPS ensured before an IDR. */
export function prepareAccessUnit(nals: readonly Uint8Array[], options: H264PacketizeOptions = {}): Uint8Array[] {
  const kept: Uint8Array[] = [];
  let hasIdr = false;
  let hasSps = false;
  let hasPps = false;
  for (const nal of nals) {
    if (nal.length === 0) continue;
    const type = nal[0]! & 0x1f;
    if (type === codec.NalType.AUD || type === NAL_FILLER) continue;
    if (type === codec.NalType.SEI && options.dropSei) continue;
    if (type === codec.NalType.IDR) hasIdr = true;
    else if (type === codec.NalType.SPS) hasSps = true;
    else if (type === codec.NalType.PPS) hasPps = true;
    kept.push(nal);
  }
  if (hasIdr && !(hasSps && hasPps) && options.config) {
    // Put the configured sets first; in-band ones the AU already has stay where they are (later ones win).
    const head = [...(hasSps ? [] : options.config.sps), ...(hasPps ? [] : options.config.pps)];
    return [...head, ...kept];
  }
  return kept;
}

/**
 * One access unit's NAL units to RTP payloads, RFC 6184 packetization-mode 1 (non-interleaved): runs of small NAL
 * units aggregated into STAP-A (5.7.1), NAL units larger than the payload limit split into FU-A (5.8), the rest as
 * single NAL unit packets (5.6). The marker is set on the last payload.
 */
export function packetizeH264(nals: readonly Uint8Array[], options: H264PacketizeOptions = {}): RtpPayload[] {
  const max = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  if (!Number.isInteger(max) || max < 3) {
    throw new RtpError('INVALID_ARGUMENT', `maxPayloadBytes ${max} leaves no room for an FU-A fragment`);
  }
  const units = prepareAccessUnit(nals, options);
  const payloads: Uint8Array[] = [];
  let i = 0;
  while (i < units.length) {
    const nal = units[i]!;
    if (nal.length > max) {
      fragment(nal, max, payloads);
      i++;
      continue;
    }
    // Greedy STAP-A: 1 header byte, then a 2-byte size before each NAL unit.
    let size = 1 + 2 + nal.length;
    let j = i + 1;
    while (j < units.length && units[j]!.length <= 0xffff && size + 2 + units[j]!.length <= max) {
      size += 2 + units[j]!.length;
      j++;
    }
    if (j - i >= 2) {
      payloads.push(aggregate(units.slice(i, j), size));
      i = j;
    } else {
      payloads.push(nal);
      i++;
    }
  }
  return payloads.map((payload, k) => ({ payload, marker: k === payloads.length - 1 }));
}

function aggregate(nals: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let f = 0;
  let nri = 0;
  let pos = 1;
  for (const nal of nals) {
    f |= nal[0]! & 0x80;
    nri = Math.max(nri, nal[0]! & 0x60);
    out[pos] = nal.length >> 8;
    out[pos + 1] = nal.length & 0xff;
    out.set(nal, pos + 2);
    pos += 2 + nal.length;
  }
  out[0] = f | nri | RtpNalType.STAP_A;
  return out;
}

function fragment(nal: Uint8Array, max: number, out: Uint8Array[]): void {
  const indicator = (nal[0]! & 0xe0) | RtpNalType.FU_A;
  const type = nal[0]! & 0x1f;
  const chunk = max - 2;
  // The NAL header byte is not sent; its F/NRI go in the indicator and its type in the FU header.
  for (let pos = 1; pos < nal.length; pos += chunk) {
    const end = Math.min(pos + chunk, nal.length);
    const payload = new Uint8Array(2 + end - pos);
    payload[0] = indicator;
    payload[1] = (pos === 1 ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | type;
    payload.set(nal.subarray(pos, end), 2);
    out.push(payload);
  }
}

export interface RtpSequencerOptions {
  readonly ssrc: number;
  readonly payloadType: number;
  /** First sequence number; random by default (RFC 3550 5.1). */
  readonly initialSequence?: number;
}

/** Gives payloads their sequence numbers, timestamp and SSRC, and serializes them. One per outgoing stream. */
export class RtpSequencer {
  readonly ssrc: number;
  readonly payloadType: number;
  #seq: number;
  packetsSent = 0;

  constructor(options: RtpSequencerOptions) {
    this.ssrc = options.ssrc >>> 0;
    this.payloadType = options.payloadType;
    this.#seq = (options.initialSequence ?? Math.floor(Math.random() * 0x10000)) & 0xffff;
  }

  /** The sequence number the next packet gets. */
  get nextSequence(): number {
    return this.#seq;
  }

  /** `timestamp` is in the stream's clock; it is taken modulo 2^32. */
  serialize(payloads: readonly RtpPayload[], timestamp: number): Buffer[] {
    const ts = toRtpTimestamp(timestamp);
    const packets: Buffer[] = [];
    for (const p of payloads) {
      packets.push(
        serializeRtpPacket(
          {
            marker: p.marker,
            payloadType: this.payloadType,
            sequenceNumber: this.#seq,
            timestamp: ts,
            ssrc: this.ssrc,
          },
          p.payload,
        ),
      );
      this.#seq = (this.#seq + 1) & 0xffff;
    }
    this.packetsSent += packets.length;
    return packets;
  }
}
