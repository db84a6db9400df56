import { BoxWriter } from './box-writer.ts';
import { Fmp4Error } from './errors.ts';
import { writeAvc1, writeMp4a, writeOpus } from './sample-entry.ts';
import type { InitTrack } from './types.ts';

/** CMAF track brand plus the base ISO brands; iso6 because fragments use tfdt/trun version 1. */
const MAJOR_BRAND = 'iso6';
const COMPATIBLE_BRANDS = ['iso6', 'cmfc', 'isom', 'mp41'];
/** Movie-level timescale; only used for the (zero) mvhd duration, so any value works. */
const MOVIE_TIMESCALE = 1000;
/** 'und' packed as three 5-bit letters minus 0x60 (14496-12 8.4.2.3). */
const LANGUAGE_UND = ((0x75 - 0x60) << 10) | ((0x6e - 0x60) << 5) | (0x64 - 0x60);
const TKHD_ENABLED_IN_MOVIE = 0x000003;

function invalidTrack(message: string): Fmp4Error {
  return new Fmp4Error('INVALID_TRACK', message);
}

function validate(tracks: readonly InitTrack[]): void {
  if (tracks.length === 0) throw invalidTrack('an init segment needs at least one track');
  const ids = new Set<number>();
  for (const t of tracks) {
    if (!Number.isInteger(t.trackId) || t.trackId < 1 || t.trackId > 0xffff_ffff || ids.has(t.trackId)) {
      throw invalidTrack(`trackId ${t.trackId} must be a unique positive uint32`);
    }
    ids.add(t.trackId);
    if (!Number.isInteger(t.timescale) || t.timescale < 1 || t.timescale > 0xffff_ffff) {
      throw invalidTrack(`track ${t.trackId}: timescale ${t.timescale} must be a positive uint32`);
    }
    if (t.kind === 'video') {
      for (const v of [t.width, t.height]) {
        if (!Number.isInteger(v) || v < 1 || v > 0xffff) throw invalidTrack(`track ${t.trackId}: dimension ${v}`);
      }
    } else if (!Number.isInteger(t.channels) || t.channels < 1 || t.channels > 255) {
      throw invalidTrack(`track ${t.trackId}: ${t.channels} channels`);
    }
  }
}

/** ftyp + moov with one trak per track and an mvex/trex per track, ready for fragments from `writeFragment`. */
export function writeInitSegment(tracks: readonly InitTrack[]): Uint8Array {
  validate(tracks);
  let paramBytes = 0;
  for (const t of tracks) {
    if (t.kind === 'video') for (const nal of [...t.sps, ...t.pps]) paramBytes += nal.length + 2;
    else if (t.codec === 'aac') paramBytes += t.asc.length;
  }
  // ~600 bytes of boxes per track; the writer grows if the estimate is short.
  const w = new BoxWriter(64 + 120 + tracks.length * 700 + paramBytes, true);

  const ftyp = w.box('ftyp');
  w.fourcc(MAJOR_BRAND);
  w.u32(0); // minor_version
  for (const brand of COMPATIBLE_BRANDS) w.fourcc(brand);
  w.end(ftyp);

  const moov = w.box('moov');
  writeMvhd(w, Math.max(...tracks.map((t) => t.trackId)) + 1);
  for (const t of tracks) writeTrak(w, t);
  const mvex = w.box('mvex');
  for (const t of tracks) {
    const trex = w.fullBox('trex', 0, 0);
    w.u32(t.trackId);
    w.u32(1); // default_sample_description_index
    w.zeros(12); // default duration, size, flags: every trun carries its own
    w.end(trex);
  }
  w.end(mvex);
  w.end(moov);
  return w.finish();
}

function writeMatrix(w: BoxWriter): void {
  for (const v of [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000]) w.u32(v);
}

function writeMvhd(w: BoxWriter, nextTrackId: number): void {
  const box = w.fullBox('mvhd', 0, 0);
  w.zeros(8); // creation_time, modification_time
  w.u32(MOVIE_TIMESCALE);
  w.u32(0); // duration: unknown for a live stream
  w.u32(0x00010000); // rate 1.0
  w.u16(0x0100); // volume 1.0
  w.zeros(10); // reserved
  writeMatrix(w);
  w.zeros(24); // pre_defined
  w.u32(Math.min(nextTrackId, 0xffff_ffff));
  w.end(box);
}

function writeTrak(w: BoxWriter, t: InitTrack): void {
  const isVideo = t.kind === 'video';
  const trak = w.box('trak');

  const tkhd = w.fullBox('tkhd', 0, TKHD_ENABLED_IN_MOVIE);
  w.zeros(8); // creation_time, modification_time
  w.u32(t.trackId);
  w.u32(0); // reserved
  w.u32(0); // duration
  w.zeros(8); // reserved
  w.u16(0); // layer
  w.u16(0); // alternate_group
  w.u16(isVideo ? 0 : 0x0100); // volume
  w.u16(0); // reserved
  writeMatrix(w);
  w.u32(isVideo ? t.width * 0x10000 : 0);
  w.u32(isVideo ? t.height * 0x10000 : 0);
  w.end(tkhd);

  const mdia = w.box('mdia');
  const mdhd = w.fullBox('mdhd', 0, 0);
  w.zeros(8); // creation_time, modification_time
  w.u32(t.timescale);
  w.u32(0); // duration
  w.u16(LANGUAGE_UND);
  w.u16(0); // pre_defined
  w.end(mdhd);

  const hdlr = w.fullBox('hdlr', 0, 0);
  w.u32(0); // pre_defined
  w.fourcc(isVideo ? 'vide' : 'soun');
  w.zeros(12); // reserved
  w.bytes(new TextEncoder().encode(isVideo ? 'Glint video\0' : 'Glint audio\0'));
  w.end(hdlr);

  const minf = w.box('minf');
  if (isVideo) {
    const vmhd = w.fullBox('vmhd', 0, 1); // flag 1 is mandated by the spec
    w.zeros(8); // graphicsmode, opcolor
    w.end(vmhd);
  } else {
    const smhd = w.fullBox('smhd', 0, 0);
    w.zeros(4); // balance, reserved
    w.end(smhd);
  }
  const dinf = w.box('dinf');
  const dref = w.fullBox('dref', 0, 0);
  w.u32(1);
  w.end(w.fullBox('url ', 0, 1)); // flag 1: media data is in this file
  w.end(dref);
  w.end(dinf);

  const stbl = w.box('stbl');
  const stsd = w.fullBox('stsd', 0, 0);
  w.u32(1);
  if (t.kind === 'video') writeAvc1(w, t);
  else if (t.codec === 'aac') writeMp4a(w, t);
  else writeOpus(w, t);
  w.end(stsd);
  // Sample tables are empty: every sample lives in a movie fragment.
  for (const type of ['stts', 'stsc', 'stco']) {
    const empty = w.fullBox(type, 0, 0);
    w.u32(0);
    w.end(empty);
  }
  const stsz = w.fullBox('stsz', 0, 0);
  w.u32(0); // sample_size
  w.u32(0); // sample_count
  w.end(stsz);
  w.end(stbl);

  w.end(minf);
  w.end(mdia);
  w.end(trak);
}
