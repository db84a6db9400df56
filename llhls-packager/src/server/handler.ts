import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '@glint/media-core';
import { renderMediaPlaylist, type SkipRequest } from '../playlist/media.ts';
import { renderMultivariantPlaylist } from '../playlist/multivariant.ts';
import { type BlockTarget, parseBlockQuery, parseSkip, satisfied, tooFarAhead } from './blocking.ts';
import type { LlhlsSource, LlhlsTrack } from './source.ts';
import { WaitQueue } from './waiters.ts';

export interface LlhlsHttpOptions {
  readonly clock?: Clock;
  /** How often expired blocking requests are answered; default 100 ms. */
  readonly sweepIntervalMs?: number;
  /** How long the multivariant playlist waits for a stream that has not started; default 5 s. */
  readonly startWaitMs?: number;
}

interface PlaylistWait {
  readonly res: ServerResponse;
  readonly rendition: LlhlsTrack;
  readonly target: BlockTarget;
  readonly skip: SkipRequest;
  readonly blocking: boolean;
}

interface PartWait {
  readonly res: ServerResponse;
  readonly rendition: LlhlsTrack;
  readonly partId: number;
}

const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** `<rendition>/index.m3u8` (stable), or `<rendition>/<broadcast id>/<init, part or segment>` (immutable). */
const PATH =
  /^([A-Za-z0-9_-]+)\/(?:(index\.m3u8)|([A-Za-z0-9_-]+)\/(?:init[0-9]+\.mp4|p([0-9]+)\.m4s|s([0-9]+)\.m4s))$/;

/**
 * The packager's HTTP face, mountable in any node:http server: `handle(req, res, path, query)` with `path` relative to
 * the stream's folder. Blocking playlist reload, preload-hinted parts that block until complete, delta updates.
 */
export class LlhlsHttp {
  readonly #packager: LlhlsSource;
  readonly #clock: Clock;
  readonly #startWaitMs: number;
  readonly #playlists = new WaitQueue<string, PlaylistWait>();
  readonly #parts = new WaitQueue<string, PartWait>();
  readonly #starts = new WaitQueue<'start', ServerResponse>();
  readonly #sweep: NodeJS.Timeout;
  readonly #unsubscribe: () => void;
  /** Rendered playlists per rendition and skip mode, dropped on every change: one render serves every waiter. */
  #rendered = new Map<string, Buffer>();
  #closed = false;

  constructor(packager: LlhlsSource, options: LlhlsHttpOptions = {}) {
    this.#packager = packager;
    this.#clock = options.clock ?? Date.now;
    this.#startWaitMs = options.startWaitMs ?? 5000;
    this.#unsubscribe = packager.onChange(() => this.#onChange());
    this.#sweep = setInterval(() => this.#expire(), options.sweepIntervalMs ?? 100);
    this.#sweep.unref();
  }

  /** Requests parked right now (playlists, parts, and multivariant requests waiting for the stream to start). */
  get blockedCount(): number {
    return this.#playlists.size + this.#parts.size + this.#starts.size;
  }

  /** Closed: the sweep timer is stopped and the packager no longer heard. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Stops the sweep and answers everything still parked (503: the stream is gone). */
  close(): void {
    this.#closed = true;
    clearInterval(this.#sweep);
    this.#unsubscribe();
    for (const w of this.#playlists.drain()) unavailable(w.res);
    for (const w of this.#parts.drain()) unavailable(w.res);
    for (const res of this.#starts.drain()) unavailable(res);
  }

  handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': '*',
        'Access-Control-Max-Age': '86400',
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD, OPTIONS', 'Content-Type': 'text/plain' });
      res.end('only GET and HEAD are served here\n');
      return;
    }
    if (path === 'index.m3u8' || path === '') return this.#multivariant(res);
    const match = PATH.exec(path);
    const rendition = match?.[1] ? this.#packager.rendition(match[1]) : undefined;
    if (!match || !rendition) return notFound(res, 'no such playlist, part or segment');
    if (match[2] !== undefined) return this.#mediaPlaylist(res, rendition, query);
    // Another broadcast's URI is never answered with this one's bytes: those are cached as immutable.
    if (match[3] !== rendition.uriFolder) return notFound(res, 'that media belongs to another broadcast');
    if (match[4] !== undefined) return this.#part(res, rendition, Number(match[4]));
    if (match[5] !== undefined) return this.#segment(res, rendition, Number(match[5]));
    const init = rendition.initByUri(path.slice(path.indexOf('/') + 1));
    if (!init) return notFound(res, 'no such init segment');
    send(res, 200, rendition.kind === 'video' ? 'video/mp4' : 'audio/mp4', IMMUTABLE, init);
  }

  #multivariant(res: ServerResponse): void {
    if (this.#packager.ready) {
      send(res, 200, PLAYLIST_TYPE, 'no-cache', renderMultivariantPlaylist(this.#packager.multivariant()));
      return;
    }
    forgetOnClose(res, this.#starts.park('start', res, this.#clock() + this.#startWaitMs));
  }

  #mediaPlaylist(res: ServerResponse, rendition: LlhlsTrack, query: URLSearchParams): void {
    const block = parseBlockQuery(query);
    const skip = parseSkip(query);
    if (block.kind === 'invalid') return badRequest(res, block.reason);
    if (skip === null) return badRequest(res, '_HLS_skip must be YES or v2');
    const blocking = block.kind === 'block';
    // Without _HLS_msn a playlist is answered at once, but a stream that has no part yet has nothing to show.
    const target: BlockTarget = blocking ? block.target : { msn: 0, part: 0 };
    if (blocking && tooFarAhead(target, rendition.lastCompleteMsn)) {
      return badRequest(res, `_HLS_msn=${target.msn} is more than two segments ahead of the playlist`);
    }
    const wait: PlaylistWait = { res, rendition, target, skip, blocking };
    if (
      rendition.ended ||
      satisfied(target, rendition.lastCompleteMsn, rendition.position) ||
      (!blocking && rendition.position.msn >= 0)
    ) {
      this.#answerPlaylist(wait);
      return;
    }
    const key = `${rendition.name}|${target.msn}|${target.part ?? ''}|${skip}|${blocking ? 'b' : ''}`;
    forgetOnClose(res, this.#playlists.park(key, wait, this.#clock() + this.#blockLimitMs(rendition)));
  }

  #part(res: ServerResponse, rendition: LlhlsTrack, id: number): void {
    const part = rendition.part(id);
    if (part) return send(res, 200, mediaType(rendition), IMMUTABLE, part.bytes);
    // Only the part the preload hint names is worth waiting for.
    if (id !== rendition.nextPartId || rendition.ended) return notFound(res, 'part is not (or no longer) available');
    const deadline = this.#clock() + this.#blockLimitMs(rendition);
    forgetOnClose(res, this.#parts.park(`${rendition.name}|${id}`, { res, rendition, partId: id }, deadline));
  }

  #segment(res: ServerResponse, rendition: LlhlsTrack, msn: number): void {
    const segment = rendition.segment(msn);
    if (!segment) return notFound(res, 'segment is not (or no longer) available');
    send(res, 200, mediaType(rendition), IMMUTABLE, segment.bytes);
  }

  /** The spec answers a blocking request within three target durations. */
  #blockLimitMs(rendition: LlhlsTrack): number {
    return 3 * rendition.targetDurationSec * 1000;
  }

  #answerPlaylist(wait: PlaylistWait): void {
    const { rendition, skip } = wait;
    const key = `${rendition.name}|${skip}`;
    let body = this.#rendered.get(key);
    if (!body) {
      const model = rendition.model(this.#packager.renditionReports(rendition.name));
      body = Buffer.from(renderMediaPlaylist(model, skip));
      this.#rendered.set(key, body);
    }
    const cache = wait.blocking ? `public, max-age=${rendition.targetDurationSec}` : 'no-cache';
    send(wait.res, 200, PLAYLIST_TYPE, cache, body);
  }

  #onChange(): void {
    this.#rendered = new Map();
    if (this.#starts.size > 0 && this.#packager.ready) {
      for (const res of this.#starts.drain()) this.#multivariant(res);
    }
    const playlists = this.#playlists.release((_, w) => w.rendition.ended || this.#holds(w));
    inBatches(playlists, (wait) => this.#answerPlaylist(wait));
    const parts = this.#parts.release((_, w) => w.rendition.ended || w.rendition.part(w.partId) !== undefined);
    inBatches(parts, (wait) => this.#part(wait.res, wait.rendition, wait.partId));
  }

  #holds(wait: PlaylistWait): boolean {
    const { rendition, target } = wait;
    if (!wait.blocking) return rendition.position.msn >= 0;
    return satisfied(target, rendition.lastCompleteMsn, rendition.position);
  }

  #expire(): void {
    const now = this.#clock();
    for (const w of this.#playlists.expire(now)) unavailable(w.res);
    for (const w of this.#parts.expire(now)) unavailable(w.res);
    for (const res of this.#starts.expire(now)) {
      // Some tracks came but not all the stream announced: play what there is.
      if (this.#packager.renditions.some((r) => r.init)) {
        send(res, 200, PLAYLIST_TYPE, 'no-cache', renderMultivariantPlaylist(this.#packager.multivariant()));
      } else {
        notFound(res, 'stream is not live');
      }
    }
  }
}

/** Answers this many released requests per turn of the event loop, so ingest never waits long behind them. */
const RELEASE_BATCH = 1000;

function inBatches<T>(items: readonly T[], answer: (item: T) => void, from = 0): void {
  const end = Math.min(items.length, from + RELEASE_BATCH);
  for (let i = from; i < end; i++) answer(items[i] as T);
  if (end < items.length) setImmediate(() => inBatches(items, answer, end));
}

/** A client that leaves while parked stops counting at once; its entry is skipped when its group is answered. */
function forgetOnClose(res: ServerResponse, cancel: () => void): void {
  res.once('close', cancel);
}

function mediaType(rendition: LlhlsTrack): string {
  return rendition.kind === 'video' ? 'video/iso.segment' : 'audio/mp4';
}

function send(res: ServerResponse, status: number, type: string, cache: string, body: string | Uint8Array): void {
  if (res.destroyed || res.writableEnded) return;
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(bytes.byteLength), 'Cache-Control': cache });
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}

function badRequest(res: ServerResponse, reason: string): void {
  send(res, 400, 'text/plain; charset=utf-8', 'no-store', `${reason}\n`);
}

function notFound(res: ServerResponse, reason: string): void {
  send(res, 404, 'text/plain; charset=utf-8', 'no-cache', `${reason}\n`);
}

function unavailable(res: ServerResponse): void {
  if (!res.destroyed && !res.writableEnded) res.setHeader('Retry-After', '1');
  send(res, 503, 'text/plain; charset=utf-8', 'no-store', 'nothing new within three target durations; retry\n');
}
