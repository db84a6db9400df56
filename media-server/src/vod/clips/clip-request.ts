import type { ClipRecord } from '@glint/platform';
import { ClipError } from './clip-error.ts';

/** What `POST /api/clips` asks for: the last seconds of a live channel, or a range of a VOD. */
export type ClipRequest =
  | { readonly kind: 'live'; readonly channel: string; readonly seconds: number; readonly title: string | null }
  | {
      readonly kind: 'vod';
      readonly broadcastId: string;
      readonly startSec: number;
      readonly endSec: number;
      readonly title: string | null;
    };

export const MIN_CLIP_SEC = 5;
export const MAX_CLIP_SEC = 60;
export const MAX_TITLE_CHARS = 140;
const CHANNEL = /^[A-Za-z0-9_-]{1,64}$/;
export const PLATFORM_ID = /^[0-9a-z]{8,40}$/;

/** The clip page's view of a clip (the HTTP contract of vod-design.md). */
export interface ClipItem {
  readonly id: string;
  readonly channel: string;
  readonly broadcastId: string;
  readonly title: string;
  readonly status: ClipRecord['status'];
  readonly error: string | null;
  readonly startSec: number;
  readonly durationSec: number;
  readonly createdAt: number;
  readonly videoUrl: string | null;
  readonly thumbnailUrl: string | null;
  readonly pageUrl: string;
}

export function toClipItem(clip: ClipRecord): ClipItem {
  const ready = clip.status === 'ready';
  return {
    id: clip.id,
    channel: clip.channel,
    broadcastId: clip.broadcastId,
    title: clip.title,
    status: clip.status,
    error: clip.error,
    startSec: Math.round(clip.startUs / 1000) / 1000,
    durationSec: Math.round(clip.durationUs / 1000) / 1000,
    createdAt: clip.createdAt,
    videoUrl: ready ? `/clips/${clip.id}.mp4` : null,
    thumbnailUrl: ready && clip.thumbnailKey !== null ? `/clips/${clip.id}.jpg` : null,
    pageUrl: `/clip/${clip.id}`,
  };
}

const bad = (message: string) => new ClipError('CLIP_RANGE_INVALID', message);
const malformed = (message: string) => new ClipError('CLIP_BAD_REQUEST', message);

/** Checks a parsed JSON body's shape and types; ranges against the broadcast are checked once it is known. */
export function parseClipRequest(body: unknown): ClipRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw malformed(
      'send a JSON object: {"channel", "seconds"} for a live clip or {"broadcastId", "startSec", "endSec"}',
    );
  }
  const fields = body as Record<string, unknown>;
  const title = parseTitle(fields.title);
  const live = 'channel' in fields || 'seconds' in fields;
  const vod = 'broadcastId' in fields || 'startSec' in fields || 'endSec' in fields;
  if (live === vod) {
    throw malformed(
      'ask for either {"channel", "seconds"} (the last seconds live) or {"broadcastId", "startSec", "endSec"}',
    );
  }
  if (live) {
    if (typeof fields.channel !== 'string' || !CHANNEL.test(fields.channel)) {
      throw malformed('channel is a channel name: 1 to 64 letters, digits, "_" or "-"');
    }
    const seconds = lengthSec(fields.seconds, 'seconds');
    return { kind: 'live', channel: fields.channel, seconds, title };
  }
  if (typeof fields.broadcastId !== 'string' || !PLATFORM_ID.test(fields.broadcastId)) {
    throw malformed('broadcastId is the VOD id: 8 to 40 lowercase letters and digits');
  }
  const startSec = finite(fields.startSec, 'startSec');
  const endSec = finite(fields.endSec, 'endSec');
  if (startSec < 0) throw bad('startSec is negative: the VOD starts at 0');
  lengthSec(endSec - startSec, 'endSec - startSec');
  return { kind: 'vod', broadcastId: fields.broadcastId, startSec, endSec, title };
}

/** A range checked against what is archived: [startUs, startUs + durationUs) within [0, archivedUs). */
export function checkRange(startSec: number, endSec: number, archivedUs: number): void {
  const archivedSec = archivedUs / 1e6;
  // A millisecond of slack: a player's "duration" is rounded.
  if (endSec > archivedSec + 0.001 || startSec >= archivedSec) {
    throw bad(`the range ends after the broadcast: ${archivedSec.toFixed(3)} s are archived`);
  }
}

function lengthSec(value: unknown, name: string): number {
  const seconds = finite(value, name);
  if (seconds < MIN_CLIP_SEC || seconds > MAX_CLIP_SEC) {
    throw bad(`${name} is ${seconds} s: a clip is ${MIN_CLIP_SEC} to ${MAX_CLIP_SEC} s long`);
  }
  return seconds;
}

function finite(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw malformed(`${name} must be a number of seconds`);
  return value;
}

function parseTitle(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw malformed('title must be a string');
  const title = value.trim();
  if (title.length > MAX_TITLE_CHARS) throw malformed(`title is longer than ${MAX_TITLE_CHARS} characters`);
  return title === '' ? null : title;
}
