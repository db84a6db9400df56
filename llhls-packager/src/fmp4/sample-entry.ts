import { parseSps } from '@glint/media-core/codec';
import type { BoxWriter } from './box-writer.ts';
import { Fmp4Error } from './errors.ts';
import type { AacInitTrack, OpusInitTrack, VideoInitTrack } from './types.ts';

/** Profiles whose avcC carries chroma format and bit depths after the PPS list (14496-15 5.3.3.1.2). */
const AVCC_EXTENDED_PROFILES = new Set([100, 110, 122, 144]);

function invalidTrack(message: string): Fmp4Error {
  return new Fmp4Error('INVALID_TRACK', message);
}

/** The reserved bytes and data_reference_index that open every SampleEntry (14496-12 8.5.2.2). */
function sampleEntryHeader(w: BoxWriter): void {
  w.zeros(6);
  w.u16(1);
}

export function writeAvc1(w: BoxWriter, track: VideoInitTrack): void {
  const entry = w.box('avc1');
  sampleEntryHeader(w);
  w.zeros(16); // pre_defined, reserved, pre_defined[3]
  w.u16(track.width);
  w.u16(track.height);
  w.u32(0x00480000); // 72 dpi horizontal
  w.u32(0x00480000); // 72 dpi vertical
  w.u32(0);
  w.u16(1); // frame_count
  w.zeros(32); // compressorname: empty Pascal string
  w.u16(0x0018); // depth: colour, no alpha
  w.i16(-1);
  writeAvcC(w, track.sps, track.pps);
  w.end(entry);
}

/** AVCDecoderConfigurationRecord in an avcC box, with 4-byte NAL length prefixes. */
export function writeAvcC(w: BoxWriter, sps: readonly Uint8Array[], pps: readonly Uint8Array[]): void {
  const first = sps[0];
  if (first === undefined || sps.length > 31) throw invalidTrack(`avcC needs 1 to 31 SPS, got ${sps.length}`);
  if (pps.length === 0 || pps.length > 255) throw invalidTrack(`avcC needs 1 to 255 PPS, got ${pps.length}`);
  for (const nal of [...sps, ...pps]) {
    if (nal.length === 0 || nal.length > 0xffff) throw invalidTrack(`parameter set of ${nal.length} bytes`);
  }
  const info = parseSps(first);
  const box = w.box('avcC');
  w.u8(1); // configurationVersion
  w.u8(info.profileIdc);
  w.u8(info.constraintFlags);
  w.u8(info.levelIdc);
  w.u8(0xfc | 3); // reserved bits, lengthSizeMinusOne = 3
  w.u8(0xe0 | sps.length);
  for (const nal of sps) {
    w.u16(nal.length);
    w.bytes(nal);
  }
  w.u8(pps.length);
  for (const nal of pps) {
    w.u16(nal.length);
    w.bytes(nal);
  }
  if (AVCC_EXTENDED_PROFILES.has(info.profileIdc)) {
    w.u8(0xfc | info.chromaFormatIdc);
    w.u8(0xf8 | (info.bitDepthLuma - 8));
    w.u8(0xf8 | (info.bitDepthChroma - 8));
    w.u8(0); // numOfSequenceParameterSetExt
  }
  w.end(box);
}

/** AudioSampleEntry fields after the SampleEntry header (14496-12 12.2.3.2, version 0). */
function audioSampleEntryFields(w: BoxWriter, channels: number, sampleRate: number): void {
  w.zeros(8); // reserved
  w.u16(channels);
  w.u16(16); // samplesize
  w.u32(0); // pre_defined, reserved
  // 16.16 fixed point cannot hold rates above 65535 Hz; decoders take the real rate from the codec config anyway.
  w.u32(sampleRate <= 0xffff ? sampleRate * 0x10000 : 0);
}

export function writeMp4a(w: BoxWriter, track: AacInitTrack): void {
  const entry = w.box('mp4a');
  sampleEntryHeader(w);
  audioSampleEntryFields(w, track.channels, track.sampleRate);
  writeEsds(w, track.asc);
  w.end(entry);
}

/** Expandable-size descriptor header (14496-1 8.3.3): tag, then 7 bits of size per byte, high bit = more. */
function descriptorSize(payload: number): number {
  let lengthBytes = 1;
  while (payload >= 2 ** (7 * lengthBytes)) lengthBytes++;
  return 1 + lengthBytes + payload;
}

function descriptorHeader(w: BoxWriter, tag: number, payload: number): void {
  const lengthBytes = descriptorSize(payload) - 1 - payload;
  w.u8(tag);
  for (let i = lengthBytes - 1; i > 0; i--) w.u8(0x80 | (Math.floor(payload / 2 ** (7 * i)) & 0x7f));
  w.u8(payload & 0x7f);
}

/** esds: ES_Descriptor > DecoderConfigDescriptor > DecoderSpecificInfo (the ASC), plus SLConfigDescriptor. */
export function writeEsds(w: BoxWriter, asc: Uint8Array): void {
  const dsi = descriptorSize(asc.length);
  const dcd = descriptorSize(13 + dsi);
  const sl = descriptorSize(1);
  const box = w.fullBox('esds', 0, 0);
  descriptorHeader(w, 0x03, 3 + dcd + sl);
  w.u16(0); // ES_ID: 14496-14 says 0 inside a file
  w.u8(0); // no stream dependence, URL or OCR stream; priority 0
  descriptorHeader(w, 0x04, 13 + dsi);
  w.u8(0x40); // objectTypeIndication: Audio ISO/IEC 14496-3
  w.u8((0x05 << 2) | 1); // streamType audio, upStream 0, reserved 1
  w.u24(0); // bufferSizeDB: unknown
  w.u32(0); // maxBitrate: unknown
  w.u32(0); // avgBitrate: 0 means variable
  descriptorHeader(w, 0x05, asc.length);
  w.bytes(asc);
  descriptorHeader(w, 0x06, 1);
  w.u8(0x02); // predefined SL config for MP4 files
  w.end(box);
}

export function writeOpus(w: BoxWriter, track: OpusInitTrack): void {
  const entry = w.box('Opus');
  sampleEntryHeader(w);
  audioSampleEntryFields(w, track.channels, 48000);
  writeDOps(w, track);
  w.end(entry);
}

/** OpusSpecificBox (Opus in ISOBMFF 4.3.2): OpusHead's fields, big-endian, without magic or version 1. */
export function writeDOps(w: BoxWriter, track: OpusInitTrack): void {
  const mapping = track.channelMapping;
  if (mapping === undefined && (track.channels < 1 || track.channels > 2)) {
    throw invalidTrack(`Opus with ${track.channels} channels needs a channelMapping (family 0 is mono/stereo only)`);
  }
  if (mapping !== undefined && mapping.family !== 0 && mapping.mapping.length !== track.channels) {
    throw invalidTrack(`Opus channel mapping lists ${mapping.mapping.length} channels, track has ${track.channels}`);
  }
  const box = w.box('dOps');
  w.u8(0); // Version
  w.u8(track.channels);
  w.u16(track.preSkip);
  w.u32(track.inputSampleRate);
  w.i16(0); // OutputGain
  w.u8(mapping?.family ?? 0);
  if (mapping !== undefined && mapping.family !== 0) {
    w.u8(mapping.streamCount);
    w.u8(mapping.coupledCount);
    for (const channel of mapping.mapping) w.u8(channel);
  }
  w.end(box);
}
