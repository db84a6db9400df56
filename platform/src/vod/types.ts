import type { PageRequest, PageResult } from '../pagination.ts';

/**
 * The archive's index: which segments of which rendition of which broadcast are stored, and under which storage
 * keys. The bytes live in a media store (media-server/src/vod/storage); this is only the index, in the platform
 * database. A broadcast's VOD is its archived renditions; it is `recording` while the broadcast is on air.
 */

/** One archived rendition of a broadcast, as the multivariant playlist lists it. */
export interface VodRendition {
  readonly broadcastId: string;
  /** The live rendition's name: `video` (the source), `audio`, or a rung such as `480p`. */
  readonly rendition: string;
  readonly kind: 'video' | 'audio';
  /** This track's RFC 6381 codec string (e.g. `avc1.64001f`, `mp4a.40.2`). */
  readonly codec: string;
  readonly width?: number;
  readonly height?: number;
  readonly frameRate?: number;
  /** Audio channels. */
  readonly channels?: number;
}

/** One archived segment: a complete fMP4 media segment (moof+mdat pairs) that needs the init segment `initKey`. */
export interface VodSegment {
  readonly broadcastId: string;
  readonly rendition: string;
  /** 0, 1, 2… per (broadcast, rendition), in archival order, never reused. */
  readonly seq: number;
  /** Its media sequence number in the live playlist (for the DVR and alignment across renditions). */
  readonly msn: number;
  /** Where it starts on the VOD's timeline: the sum of the durations of the rendition's earlier segments, µs. */
  readonly startUs: number;
  readonly durationUs: number;
  readonly programDateTimeMs: number;
  /** EXT-X-DISCONTINUITY before it: a reconnect, a new init segment, or a segment lost before it. */
  readonly discontinuity: boolean;
  /** Storage key of the bytes. */
  readonly key: string;
  /** Storage key of the init segment (init segments are stored once per content). */
  readonly initKey: string;
  readonly bytes: number;
  /** SHA-256 of the bytes, hex: a segment that no longer matches is corrupt. */
  readonly sha256: string;
  /** False once found missing or corrupt on disk: playlists skip it and mark a discontinuity instead. */
  readonly ok: boolean;
}

export type VodState = 'recording' | 'ready';

/** A broadcast's VOD as the channel page lists it. */
export interface VodSummary {
  readonly broadcastId: string;
  readonly channel: string;
  readonly title: string;
  readonly startedAt: number;
  /** Null while on air. */
  readonly endedAt: number | null;
  readonly state: VodState;
  /** The source video rendition's archived duration (or audio's when there is no video), µs. */
  readonly durationUs: number;
  /** Archived bytes over every rendition. */
  readonly bytes: number;
}

export type ClipStatus = 'queued' | 'making' | 'ready' | 'failed';

export interface ClipRecord {
  readonly id: string;
  readonly channel: string;
  readonly broadcastId: string;
  readonly title: string;
  /** The signed-in user who asked for it; null for an anonymous viewer. */
  readonly createdBy: string | null;
  /** The requested range on the VOD timeline (VodSegment.startUs), µs. */
  readonly startUs: number;
  readonly durationUs: number;
  readonly status: ClipStatus;
  /** Why it failed (status `failed`). */
  readonly error: string | null;
  /** Storage keys, once ready. */
  readonly videoKey: string | null;
  readonly thumbnailKey: string | null;
  readonly bytes: number | null;
  readonly createdAt: number;
  readonly readyAt: number | null;
}

export interface NewClip {
  readonly channel: string;
  readonly broadcastId: string;
  readonly title: string;
  readonly createdBy: string | null;
  readonly startUs: number;
  readonly durationUs: number;
}

/** The index: all of it in the platform database (SQLite or PostgreSQL, the same queries). */
export interface VodIndex {
  /** Adds or replaces a rendition's description (a new init segment may change its resolution). */
  putRendition(rendition: VodRendition): Promise<void>;
  /** Indexes a segment whose bytes (and init) are already stored. */
  addSegment(segment: Omit<VodSegment, 'ok'>): Promise<void>;
  /** Indexes many segments at once (an import, a benchmark's setup), in batched inserts. */
  addSegments(segments: readonly Omit<VodSegment, 'ok'>[]): Promise<void>;
  renditions(broadcastId: string): Promise<VodRendition[]>;
  /** A rendition's segments in seq order, from `fromSeq` (default 0), at most `limit` (default all). */
  segments(broadcastId: string, rendition: string, range?: { fromSeq?: number; limit?: number }): Promise<VodSegment[]>;
  /** The rendition's segments overlapping [startUs, endUs), in order. */
  segmentsInRange(broadcastId: string, rendition: string, startUs: number, endUs: number): Promise<VodSegment[]>;
  /** The last indexed segment of each rendition of the broadcast (where the next one continues). */
  lastSegments(broadcastId: string): Promise<VodSegment[]>;
  /** A segment found missing or corrupt: playlists skip it from now on. */
  markBad(broadcastId: string, rendition: string, seq: number): Promise<void>;
  /** The VOD of a broadcast; undefined when unknown, deleted, or without any archived segment. */
  summary(broadcastId: string): Promise<VodSummary | undefined>;
  /** The channel's VODs (recording first, then newest first). */
  list(channel: string, page: PageRequest): Promise<PageResult<VodSummary>>;
  /** Removes the VOD from the index (the broadcast record stays); returns the storage keys to delete. */
  delete(broadcastId: string): Promise<string[]>;
  /** Ended broadcasts' VODs that ended before `endedBeforeMs`, oldest first, at most `limit`. */
  expired(endedBeforeMs: number, limit: number): Promise<string[]>;
  /** Broadcasts with archived segments that ended at or after `sinceMs` (restart: verify what was written). */
  endedSince(sinceMs: number): Promise<string[]>;

  createClip(clip: NewClip): Promise<ClipRecord>;
  updateClip(
    id: string,
    change: Partial<Pick<ClipRecord, 'status' | 'error' | 'videoKey' | 'thumbnailKey' | 'bytes' | 'readyAt'>>,
  ): Promise<void>;
  clip(id: string): Promise<ClipRecord | undefined>;
  /** The channel's clips, newest first. */
  listClips(channel: string, page: PageRequest): Promise<PageResult<ClipRecord>>;
  /** Removes a clip record; returns its storage keys to delete. */
  deleteClip(id: string): Promise<string[]>;
}
