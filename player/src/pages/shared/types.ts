/** What the VOD and clip routes answer (media-server/src/servers/vod, the URL contract of the VOD issue). */

export interface VodItem {
  /** The platform broadcast id. */
  readonly id: string;
  readonly channel: string;
  readonly title: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly state: 'recording' | 'ready';
  readonly durationSec: number;
  readonly playlistUrl: string;
  readonly pageUrl: string;
  readonly thumbnailUrl: string | null;
}

export type ClipStatus = 'queued' | 'making' | 'ready' | 'failed';

export interface ClipItem {
  readonly id: string;
  readonly channel: string;
  readonly broadcastId: string;
  readonly title: string;
  readonly status: ClipStatus;
  readonly error: string | null;
  readonly startSec: number;
  readonly durationSec: number;
  readonly createdAt: number;
  readonly videoUrl: string | null;
  readonly thumbnailUrl: string | null;
  readonly pageUrl: string;
}

export interface ItemPage<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

/** GET /api/channels/<ch>/dvr: the broadcast on air and its EVENT playlist. */
export interface DvrInfo {
  readonly broadcastId: string;
  readonly playlistUrl: string;
}

/** GET /api/me, the parts the pages read. */
export interface Me {
  readonly user: { readonly login: string };
  readonly channel: { readonly name: string } | null;
}
