/**
 * The benchmark's streamer: band frames painted in real time, encoded by ffmpeg as a streamer's encoder would
 * (see EncoderProfile), each FLV tag forwarded to Glint over our own RTMP client with ffmpeg's timestamps the moment
 * it leaves ffmpeg. Stamps `captured` and `encoded` per frame number (modulo 2^16: runs under 36 min at 30 fps).
 */
import type { FrameStamps } from '../types.ts';
import { type AmfObject, type AmfValue, decodeAmf0 } from './amf0.ts';
import { type BandEncoder, type EncodedTag, type EncoderEnd, startBandEncoder } from './band-encoder.ts';
import type { EncoderProfile } from './encoder-args.ts';
import { parseRtmpUrl, publishRtmp, type RtmpPublisher } from './rtmp-client.ts';

export type { EncoderProfile } from './encoder-args.ts';

export interface RtmpBroadcasterOptions {
  /**
   * rtmp://127.0.0.1:port/live/KEY, or several: one encoder, every tag sent to each server as it leaves ffmpeg
   * (Glint and its peers get the same feed at the same time).
   */
  readonly url: string | readonly string[];
  readonly profile: EncoderProfile;
  readonly fps?: number;
  readonly width?: number;
  readonly height?: number;
  readonly gopSec?: number;
  readonly bitrateKbps?: number;
  /** AAC from Node-generated PCM, in step with the frames (default true). */
  readonly audio?: boolean;
  readonly log?: (line: string) => void;
}

/** Why the broadcast ended: stop() was called, ffmpeg died, or the RTMP connection failed (Glint closed it). */
export type BroadcastEnd =
  | { readonly reason: 'stopped' }
  | { readonly reason: 'encoder-exited'; readonly detail: string }
  | { readonly reason: 'rtmp-error'; readonly detail: string };

export interface RtmpBroadcaster {
  /** captured and encoded per frame number (modulo 2^16). */
  stamps(): ReadonlyMap<number, FrameStamps>;
  /** The FLV pts (ms) a frame was sent with, to join the server's access units to frame numbers. */
  ptsMsOfFrame(frame: number): number | undefined;
  /** The frame number (modulo 2^16) of a pts (ms) as sent. */
  frameOfPtsMs(ptsMs: number): number | undefined;
  readonly framesPainted: number;
  readonly framesSent: number;
  /** Problems seen so far (ffmpeg warnings, send failures), one line each. */
  errors(): readonly string[];
  /** Settles once, with the first way the broadcast ended. */
  readonly ended: Promise<BroadcastEnd>;
  /** Stops painting, sends what ffmpeg still holds, unpublishes. */
  stop(): Promise<void>;
}

/**
 * Publishes first, so that no frame waits on an RTMP handshake; then starts painting and encoding. Fails fast: if
 * any server refuses or drops the publish, the whole broadcast ends (a run with a broken leg measures nothing).
 */
export async function startRtmpBroadcaster(options: RtmpBroadcasterOptions): Promise<RtmpBroadcaster> {
  const log = options.log ?? (() => {});
  const urls = typeof options.url === 'string' ? [options.url] : options.url;
  // Errors name a server by host and app, never by its stream key.
  const names = urls.map((url) => parseRtmpUrl(url).tcUrl);
  const attempts = await Promise.allSettled(urls.map((url) => publishRtmp(url, { log })));
  const publishers = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
  const refused = attempts.findIndex((a) => a.status === 'rejected');
  if (refused >= 0) {
    await Promise.all(publishers.map((p) => p.close()));
    throw (attempts[refused] as PromiseRejectedResult).reason;
  }
  const errors: string[] = [];
  let framesSent = 0;
  let sendFailed = false;
  const forward = (tag: EncodedTag) => {
    if (sendFailed) return;
    publishers.forEach((publisher, i) => {
      try {
        forwardTag(publisher, tag);
      } catch (error) {
        sendFailed = true;
        errors.push(`rtmp send to ${names[i]}: ${(error as Error).message}`);
      }
    });
    if (tag.frame !== undefined && !sendFailed) framesSent++;
  };
  let encoder: BandEncoder;
  try {
    encoder = startBandEncoder({ ...encoderOptions(options), onTag: forward, log });
  } catch (error) {
    await Promise.all(publishers.map((p) => p.close()));
    throw error;
  }
  let stopping = false;
  const ended = Promise.race([
    encoder.exited.then((end): BroadcastEnd => endOfEncoder(end, stopping)),
    ...publishers.map((publisher, i) =>
      publisher.ended.then(
        (error): BroadcastEnd =>
          error === undefined || stopping
            ? { reason: 'stopped' }
            : { reason: 'rtmp-error', detail: `${names[i]}: ${error.message}` },
      ),
    ),
  ]);
  // A failed side stops the rest: a dead connection leaves the run invalid, a dead encoder nothing to send.
  void ended.then(async (end) => {
    if (end.reason === 'stopped') return;
    errors.push(`broadcast ended: ${end.detail}`);
    await encoder.stop();
    await Promise.all(publishers.map((p) => p.close()));
  });
  return {
    stamps: () => encoder.stamps(),
    ptsMsOfFrame: (frame) => encoder.ptsMsOfFrame(frame),
    frameOfPtsMs: (ptsMs) => encoder.frameOfPtsMs(ptsMs),
    get framesPainted() {
      return encoder.framesPainted;
    },
    get framesSent() {
      return framesSent;
    },
    errors: () => [...encoder.errors(), ...errors],
    ended,
    stop: async () => {
      stopping = true;
      await encoder.stop();
      await Promise.all(publishers.map((p) => p.close()));
    },
  };
}

function encoderOptions(o: RtmpBroadcasterOptions) {
  return {
    profile: o.profile,
    ...(o.fps !== undefined ? { fps: o.fps } : {}),
    ...(o.width !== undefined ? { width: o.width } : {}),
    ...(o.height !== undefined ? { height: o.height } : {}),
    ...(o.gopSec !== undefined ? { gopSec: o.gopSec } : {}),
    ...(o.bitrateKbps !== undefined ? { bitrateKbps: o.bitrateKbps } : {}),
    ...(o.audio !== undefined ? { audio: o.audio } : {}),
  };
}

function endOfEncoder(end: EncoderEnd, stopping: boolean): BroadcastEnd {
  if (end.stopped || stopping) return { reason: 'stopped' };
  return { reason: 'encoder-exited', detail: `ffmpeg exited (code ${end.code}, signal ${end.signal})` };
}

/** One FLV tag as the RTMP message an encoder sends for it: media as is, script data as @setDataFrame. */
export function forwardTag(publisher: RtmpPublisher, tag: EncodedTag): void {
  if (tag.type === 9) publisher.sendVideo(tag.body, tag.timestampMs);
  else if (tag.type === 8) publisher.sendAudio(tag.body, tag.timestampMs);
  else if (tag.type === 18) {
    const metadata = metadataOf(decodeAmf0(tag.body));
    if (metadata !== undefined) publisher.sendMetadata(metadata);
  }
}

function metadataOf(values: readonly AmfValue[]): AmfObject | undefined {
  const [name, value] = values;
  const ok = name === 'onMetaData' && typeof value === 'object' && value !== null && !Array.isArray(value);
  return ok ? (value as AmfObject) : undefined;
}
