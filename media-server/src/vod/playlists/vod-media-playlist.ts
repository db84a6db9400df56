import { dateTime, quoted } from '@glint/llhls-packager';
import type { VodSegment } from '@glint/platform';

/** EXT-X-MAP in a media playlist without EXT-X-I-FRAMES-ONLY needs version 6 (RFC 8216bis section 7). */
export const VOD_PLAYLIST_VERSION = 6;

/** What the multivariant playlist needs of a rendition: measured bit rates of the segments listed, bits/s. */
export interface RenditionRates {
  /** The highest segment bit rate (BANDWIDTH). */
  readonly peakBps: number;
  /** Bytes over duration of every segment listed (AVERAGE-BANDWIDTH). */
  readonly averageBps: number;
}

/** The last path part of a storage key: `vod/<bid>/<rendition>/12.m4s` → `12.m4s` (URIs are relative). */
export function lastPart(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** A duration in units of 10 µs: EXTINF's 5 decimals, rounded once, in integers. */
function tenthsOfUs(durationUs: number): number {
  return Math.round(durationUs / 10);
}

/**
 * EXTINF's value to 5 decimals without trailing zeros (`1.03333`, `2.0`), as the packager's `decimal` writes it, from
 * integers: a 6-hour playlist formats 21,600 of these, and toFixed with two regular expressions each cost most of
 * its rendering time.
 */
export function extinf(durationUs: number): string {
  const units = tenthsOfUs(durationUs);
  const whole = Math.floor(units / 100_000);
  let fraction = units % 100_000;
  if (fraction === 0) return `${whole}.0`;
  let digits = 5;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits--;
  }
  return `${whole}.${String(fraction).padStart(digits, '0')}`;
}

/**
 * A rendition's DVR (EVENT) or VOD media playlist, built from the index's segments in seq order. Append-only, so a
 * recording broadcast's playlist grows by its new segments instead of being rendered again from the first; the
 * header (target duration, playlist type) is written at render time. Pure: values in, text out.
 */
export class VodMediaPlaylist {
  /** Every listed segment's lines, in order. */
  #body = '';
  #initKey: string | null = null;
  /** A segment was left out since the last listed one: the next listed one starts a discontinuity. */
  #skipped = false;
  #nextSeq = 0;
  #listed = 0;
  #maxDurationUs = 0;
  #totalUs = 0;
  #totalBytes = 0;
  #peakBps = 0;

  /** The seq the next appended segment should have (the index's `fromSeq` for the next read). */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Segments listed (bad ones left out). */
  get listed(): number {
    return this.#listed;
  }

  get durationUs(): number {
    return this.#totalUs;
  }

  get rates(): RenditionRates {
    return {
      peakBps: this.#peakBps,
      averageBps: this.#totalUs > 0 ? (this.#totalBytes * 8) / (this.#totalUs / 1_000_000) : 0,
    };
  }

  /** Text length of the segment lines (for a cache's byte budget). */
  get size(): number {
    return this.#body.length;
  }

  /** Adds segments in seq order; ones at or before the last appended seq are ignored (an overlapping read). */
  append(segments: readonly VodSegment[]): void {
    const out = { text: '' };
    for (const segment of segments) {
      if (segment.seq < this.#nextSeq) continue;
      // A seq missing from the index (never archived) is a segment lost too.
      if (segment.seq > this.#nextSeq && this.#listed > 0) this.#skipped = true;
      this.#nextSeq = segment.seq + 1;
      if (!segment.ok) {
        this.#skipped = true;
        continue;
      }
      this.#appendOne(segment, out);
    }
    this.#body += out.text;
  }

  #appendOne(segment: VodSegment, out: { text: string }): void {
    const first = this.#listed === 0;
    // Nothing before the first listed segment to be discontinuous with.
    const discontinuity = !first && (segment.discontinuity || this.#skipped);
    let text = discontinuity ? '#EXT-X-DISCONTINUITY\n' : '';
    if (segment.initKey !== this.#initKey) {
      text += `#EXT-X-MAP:URI=${quoted(lastPart(segment.initKey))}\n`;
      this.#initKey = segment.initKey;
    }
    // The wall clock at the start and after every discontinuity; in between it follows from the durations.
    if (first || discontinuity) text += `#EXT-X-PROGRAM-DATE-TIME:${dateTime(segment.programDateTimeMs)}\n`;
    out.text += `${text}#EXTINF:${extinf(segment.durationUs)},\n${lastPart(segment.key)}\n`;
    this.#skipped = false;
    this.#listed++;
    // Target duration from the value as written, so a 1.000004 s segment written "1.0" does not make it 2.
    this.#maxDurationUs = Math.max(this.#maxDurationUs, tenthsOfUs(segment.durationUs) * 10);
    this.#totalUs += segment.durationUs;
    this.#totalBytes += segment.bytes;
    if (segment.durationUs > 0) {
      this.#peakBps = Math.max(this.#peakBps, (segment.bytes * 8) / (segment.durationUs / 1_000_000));
    }
  }

  /** The playlist: EVENT while recording (it grows; no ENDLIST), VOD + ENDLIST once ended. */
  render(ended: boolean): string {
    const targetSec = Math.max(1, Math.ceil(this.#maxDurationUs / 1_000_000 - 1e-9));
    const header = [
      '#EXTM3U',
      `#EXT-X-VERSION:${VOD_PLAYLIST_VERSION}`,
      `#EXT-X-TARGETDURATION:${targetSec}`,
      '#EXT-X-MEDIA-SEQUENCE:0',
      `#EXT-X-PLAYLIST-TYPE:${ended ? 'VOD' : 'EVENT'}`,
      '',
    ].join('\n');
    return `${header}${this.#body}${ended ? '#EXT-X-ENDLIST\n' : ''}`;
  }
}

/** The whole playlist of a rendition's segments at once. */
export function renderVodMediaPlaylist(segments: readonly VodSegment[], ended: boolean): string {
  const playlist = new VodMediaPlaylist();
  playlist.append(segments);
  return playlist.render(ended);
}
