/**
 * The paths bench:latency measures. Each starts what it needs (Glint in this process, so its stages can be tapped;
 * the peers beside it), feeds one broadcaster to Glint and to the peers at once, opens every viewer at once for the
 * same window, and returns what each saw.
 */

import { LOW_LATENCY_CONFIG } from '@glint/player/hls';
import { until } from '@glint/testkit';
import type { TestGlint } from '@glint/testkit/media-server';
import { startGlint } from '@glint/testkit/media-server';
import type { Browser } from 'playwright-core';
import { DEFAULT_RUNGS } from '../ladder/rungs.ts';
import { summarize } from '../lib/stats.ts';
import { startRtmpBroadcaster } from './broadcast/rtmp-broadcaster.ts';
import { openViewer, startWhipPublisher } from './browser/index.ts';
import { startFfmpegViewer } from './ffmpeg-viewer.ts';
import { type BroadcasterStamps, breakdown, joinFrames, rtpToPtsOffset } from './join.ts';
import { tapLadder } from './ladder-stage.ts';
import type { Network } from './network.ts';
import { startFfmpegHls } from './peers/ffmpeg-hls.ts';
import { startEdgeCache, startNginxRtmpHls } from './peers/nginx.ts';
import { startNodeMediaServer } from './peers/node-media-server.ts';
import { startWeriftRelay } from './peers/werift-relay.ts';
import { segmentsListed } from './playlist-probe.ts';
import type { PathResult, ViewerResult } from './report.ts';
import { type ServerTaps, tapGlint } from './server-taps.ts';
import type { ViewerReport } from './types.ts';

export const PATHS = {
  'rtmp-llhls': 'RTMP (x264 zerolatency, 1 s GOP) → LL-HLS',
  'rtmp-llhls-ladder': 'RTMP 720p (x264 zerolatency, 1 s GOP) → transcoding ladder → LL-HLS, each rendition',
  'rtmp-webrtc': 'RTMP (x264 zerolatency, no B-frames) → WebRTC, passed through',
  'rtmp-bframes-webrtc': "RTMP (x264 with OBS's defaults, B-frames) → WebRTC, re-encoded",
  'whip-webrtc': 'WHIP (Chromium canvas) → WebRTC',
  'whip-llhls': 'WHIP (Chromium canvas) → LL-HLS',
} as const;
export type PathName = keyof typeof PATHS;

export interface PathOptions {
  readonly browser: Browser;
  readonly net: Network;
  readonly seconds: number;
  readonly warmupSec: number;
  readonly partMs: number;
  /** Peers off (the part-size sweep, the quick proof in npm test). */
  readonly peers: boolean;
  /** LL-HLS players to open on Glint (default: all of them). */
  readonly players?: readonly HlsPlayer[];
  readonly say: (text: string) => void;
}

const CHANNEL = 'latency';

/** LL-HLS viewers: stock players with low-latency mode on, hls.js as Glint's watch page sets it, and ffmpeg. */
export type HlsPlayer = 'hlsjs' | 'hlsjs-watch' | 'shaka' | 'ffmpeg';
const HLS_PLAYERS: readonly HlsPlayer[] = ['hlsjs', 'hlsjs-watch', 'shaka', 'ffmpeg'];
const PLAYER_LABELS: Record<HlsPlayer, string> = {
  hlsjs: 'hls.js',
  'hlsjs-watch': 'hls.js, watch page settings',
  shaka: 'Shaka',
  ffmpeg: 'ffmpeg',
};

interface Watched {
  readonly label: string;
  readonly server: string;
  readonly player: string;
  report(): Promise<ViewerReport>;
  close(): Promise<void>;
  readonly glint?: { readonly webrtc: boolean };
}

interface Cleanup {
  add(stop: () => unknown): void;
  run(): Promise<void>;
}

function cleanup(): Cleanup {
  const stops: Array<() => unknown> = [];
  return {
    add: (stop) => stops.push(stop),
    async run() {
      for (const stop of stops.splice(0).reverse()) {
        try {
          await stop();
        } catch {
          // Tearing down what already failed; the run's own error is what matters.
        }
      }
    },
  };
}

async function startServer(partMs: number, clean: Cleanup): Promise<{ g: TestGlint; taps: ServerTaps }> {
  const g = await startGlint([CHANNEL], { partTargetMs: partMs, logLevel: 'warn' });
  clean.add(() => g.stop());
  const taps = tapGlint(g.glint, CHANNEL);
  clean.add(() => taps.stop());
  return { g, taps };
}

async function hlsViewer(
  o: PathOptions,
  player: HlsPlayer,
  url: string,
  server: string,
  glint: boolean,
): Promise<Watched> {
  const label = `${server} · ${PLAYER_LABELS[player]}`;
  const target = await o.net.http(url);
  const flag = glint ? { glint: { webrtc: false } } : {};
  if (player === 'ffmpeg') {
    const viewer = startFfmpegViewer({ url: target, label });
    return {
      label,
      server,
      player,
      report: () => Promise.resolve(viewer.report()),
      close: () => viewer.stop(),
      ...flag,
    };
  }
  const viewer =
    player === 'hlsjs-watch'
      ? await openViewer(o.browser, { player: 'hlsjs', url: target, label, hlsConfig: LOW_LATENCY_CONFIG })
      : await openViewer(o.browser, { player, url: target, label });
  return { label, server, player, report: () => viewer.report(), close: () => viewer.close(), ...flag };
}

async function whepViewer(o: PathOptions, url: string, server: string, glint: boolean): Promise<Watched> {
  const label = `${server} · WHEP`;
  const viewer = await openViewer(o.browser, { player: 'whep', url: await o.net.whep(url), label });
  return {
    label,
    server,
    player: 'whep',
    report: () => viewer.report(),
    close: () => viewer.close(),
    ...(glint ? { glint: { webrtc: true } } : {}),
  };
}

/** Waits the warm-up, drops what viewers saw so far, waits the window, and reports. */
async function measure(
  o: PathOptions,
  viewers: readonly Watched[],
  join: (w: Watched, report: ViewerReport) => ViewerResult,
): Promise<ViewerResult[]> {
  const started = performance.now();
  const tick = setInterval(() => {
    const s = (performance.now() - started) / 1000;
    const phase =
      s < o.warmupSec
        ? `warming up ${s.toFixed(0)}/${o.warmupSec} s`
        : `measuring ${(s - o.warmupSec).toFixed(0)}/${o.seconds} s`;
    o.say(`${phase}, ${viewers.length} viewers`);
  }, 1000);
  try {
    await new Promise((resolve) => setTimeout(resolve, o.warmupSec * 1000));
    const warm = await Promise.all(viewers.map((v) => v.report()));
    const skip = warm.map((r) => r.frames.length);
    const stallsBefore = warm.map((r) => r.stalls);
    const freezesBefore = warm.map((r) => r.freezesMs.length);
    await new Promise((resolve) => setTimeout(resolve, o.seconds * 1000));
    const reports = await Promise.all(viewers.map((v) => v.report()));
    return viewers.map((v, i) => {
      const r = reports[i] as ViewerReport;
      const windowed: ViewerReport = {
        ...r,
        frames: r.frames.slice(skip[i]),
        stalls: r.stalls - (stallsBefore[i] ?? 0),
        freezesMs: r.freezesMs.slice(freezesBefore[i]),
      };
      return join(v, windowed);
    });
  } finally {
    clearInterval(tick);
  }
}

async function measureAndClose(
  o: PathOptions,
  viewers: readonly Watched[],
  join: (w: Watched, report: ViewerReport) => ViewerResult,
): Promise<ViewerResult[]> {
  try {
    return await measure(o, viewers, join);
  } finally {
    await Promise.all(viewers.map((v) => v.close().catch(() => {})));
  }
}

function peerResult(w: Watched, r: ViewerReport): ViewerResult {
  return {
    label: w.label,
    server: w.server,
    player: w.player,
    total: summarize(r.frames.map((f) => f.displayedMs - f.capturedMs)),
    frames: r.frames.length,
    unreadable: r.unreadable,
    stalls: r.stalls,
    freezesMs: r.freezesMs,
    firstFrameMs: r.firstFrameMs,
    errors: r.errors,
  };
}

function glintResult(
  w: Watched,
  r: ViewerReport,
  sources: {
    broadcaster?: BroadcasterStamps;
    taps: ServerTaps;
    rtpOfFrame?: ReadonlyMap<number, number>;
    rtpToPts?: (rtp: number) => number;
  },
): ViewerResult {
  const base = peerResult(w, r);
  if (!w.glint) return base;
  const records = joinFrames(r.frames, { ...sources, webrtc: w.glint.webrtc });
  return { ...base, breakdown: breakdown(records) };
}

export async function runPath(path: PathName, o: PathOptions): Promise<PathResult> {
  const clean = cleanup();
  try {
    switch (path) {
      case 'rtmp-llhls':
        return await rtmpLlhls(o, clean);
      case 'rtmp-llhls-ladder':
        return await rtmpLlhlsLadder(o, clean);
      case 'rtmp-webrtc':
      case 'rtmp-bframes-webrtc':
        return await rtmpWebrtc(o, clean, path === 'rtmp-bframes-webrtc');
      case 'whip-webrtc':
        return await whipWebrtc(o, clean);
      case 'whip-llhls':
        return await whipLlhls(o, clean);
    }
  } finally {
    await clean.run();
  }
}

async function rtmpLlhls(o: PathOptions, clean: Cleanup): Promise<PathResult> {
  const { g, taps } = await startServer(o.partMs, clean);
  const urls = [g.rtmp(CHANNEL)];
  const notes: string[] = [];
  let nginx: Awaited<ReturnType<typeof startNginxRtmpHls>> | undefined;
  let ffmpegHls: Awaited<ReturnType<typeof startFfmpegHls>> | undefined;
  let edge: Awaited<ReturnType<typeof startEdgeCache>> | undefined;
  if (o.peers) {
    o.say('starting peers: nginx-rtmp, ffmpeg HLS, nginx edge cache');
    nginx = await startNginxRtmpHls();
    clean.add(() => nginx?.stop());
    ffmpegHls = await startFfmpegHls();
    clean.add(() => ffmpegHls?.stop());
    edge = await startEdgeCache(g.http('').replace(/\/$/, ''));
    clean.add(() => edge?.stop());
    urls.push(nginx.rtmpUrl('bench'), ffmpegHls.rtmpUrl);
  }
  o.say('broadcasting');
  const broadcaster = await startRtmpBroadcaster({ url: urls, profile: 'zerolatency' });
  clean.add(() => broadcaster.stop());
  const playlist = g.http(`/live/${CHANNEL}/index.m3u8`);
  await segmentsReady(playlist, 3);
  // Two rounds of the same broadcast, so no more than five players share the two cores at once: Glint's players,
  // then the edge cache and the peers beside one Glint hls.js as the reference of that round.
  const glintViewers: Watched[] = [];
  for (const player of o.players ?? HLS_PLAYERS) glintViewers.push(await hlsViewer(o, player, playlist, 'Glint', true));
  const join = (w: Watched, r: ViewerReport) => glintResult(w, r, { broadcaster, taps });
  const results = await measureAndClose(o, glintViewers, join);
  if (o.peers && nginx && ffmpegHls && edge) {
    o.say('second round: the edge cache and the peers');
    const viewers: Watched[] = [await hlsViewer(o, 'hlsjs', playlist, 'Glint (round 2)', true)];
    viewers.push(await hlsViewer(o, 'hlsjs', edge.url(`/live/${CHANNEL}/index.m3u8`), 'Glint via edge cache', true));
    await answers(nginx.hlsUrl('bench'));
    viewers.push(await hlsViewer(o, 'hlsjs', nginx.hlsUrl('bench'), 'nginx-rtmp', false));
    viewers.push(await hlsViewer(o, 'shaka', nginx.hlsUrl('bench'), 'nginx-rtmp', false));
    await answers(ffmpegHls.hlsUrl);
    viewers.push(await hlsViewer(o, 'hlsjs', ffmpegHls.hlsUrl, 'ffmpeg HLS muxer', false));
    results.push(...(await measureAndClose(o, viewers, join)));
    notes.push('peers get the same encoded feed (one x264, tags copied to every RTMP server) at the same time');
    notes.push(
      "two rounds of one broadcast: Glint's players, then the edge cache and the peers beside Glint (round 2)",
    );
  }
  return {
    path: 'rtmp-llhls',
    title: PATHS['rtmp-llhls'],
    net: o.net.label,
    partMs: o.partMs,
    seconds: o.seconds,
    viewers: results,
    notes,
  };
}

/**
 * What the ladder adds: one 720p broadcast, Glint's ladder making 480p and 360p (its 720p rung is skipped: not below
 * the source), each rendition's media playlist loaded directly by the same player in the same round (the passthrough
 * source `video`, then the rungs), one round per player so at most three players share the cores.
 */
async function rtmpLlhlsLadder(o: PathOptions, clean: Cleanup): Promise<PathResult> {
  const g = await startGlint([CHANNEL], { partTargetMs: o.partMs, logLevel: 'warn', ladder: DEFAULT_RUNGS });
  clean.add(() => g.stop());
  const taps = tapGlint(g.glint, CHANNEL);
  clean.add(() => taps.stop());
  const stage = tapLadder(g.glint, CHANNEL, taps);
  clean.add(() => stage.stop());
  o.say('broadcasting 1280x720');
  const broadcaster = await startRtmpBroadcaster({
    url: g.rtmp(CHANNEL),
    profile: 'zerolatency',
    width: 1280,
    height: 720,
  });
  clean.add(() => broadcaster.stop());
  const renditions = ['video', ...DEFAULT_RUNGS.filter((r) => r.height < 720).map((r) => r.name)];
  const playlist = (name: string) => g.http(`/live/${CHANNEL}/${name}/index.m3u8`);
  for (const name of renditions) await segmentsReady(playlist(name), 3);
  const join = (w: Watched, r: ViewerReport) => glintResult(w, r, { broadcaster, taps });
  const results: ViewerResult[] = [];
  const notes: string[] = [];
  const players = (o.players ?? ['hlsjs-watch', 'shaka']).filter((p) => p !== 'ffmpeg');
  // The ladder's stage is counted from the first window on (not ffmpeg's start-up backlog).
  const windowFromMs = performance.timeOrigin + performance.now() + o.warmupSec * 1000;
  for (const [round, player] of players.entries()) {
    o.say(`round ${round + 1}/${players.length}: ${PLAYER_LABELS[player]} on ${renditions.join(', ')}`);
    const viewers: Watched[] = [];
    // The source's viewer is joined stage by stage; a rung's frames are timed glass to glass (its parts are not tapped).
    for (const name of renditions)
      viewers.push(await hlsViewer(o, player, playlist(name), `Glint ${name}`, name === 'video'));
    const round_ = await measureAndClose(o, viewers, join);
    results.push(...round_);
    const source = round_[0]?.total.median ?? Number.NaN;
    const cost = round_.slice(1).map((v, i) => `${renditions[i + 1]} ${(v.total.median - source).toFixed(0)} ms`);
    notes.push(`${PLAYER_LABELS[player]}: ladder's cost over the source (p50 − source p50): ${cost.join(', ')}`);
  }
  const stats = stage.statsLatency(windowFromMs);
  notes.push(
    `ladder stage (server): ladder.stats.latencyMs (frame written to ffmpeg → rung frame read back) p50 ${stats.median.toFixed(0)}, p95 ${stats.p95.toFixed(0)} ms`,
  );
  for (const [name, s] of stage.perRung(windowFromMs))
    notes.push(
      `ladder stage (server), ${name}: source AU in the hub → rung AU out p50 ${s.median.toFixed(0)}, p95 ${s.p95.toFixed(0)} ms (${s.count} frames)`,
    );
  const trouble = stage.trouble();
  if (trouble) notes.push(`ladder trouble during the run: ${trouble}`);
  return {
    path: 'rtmp-llhls-ladder',
    title: PATHS['rtmp-llhls-ladder'],
    net: o.net.label,
    partMs: o.partMs,
    seconds: o.seconds,
    viewers: results,
    notes,
  };
}

async function rtmpWebrtc(o: PathOptions, clean: Cleanup, bframes: boolean): Promise<PathResult> {
  const { g, taps } = await startServer(o.partMs, clean);
  const urls = [g.rtmp(CHANNEL)];
  let nms: Awaited<ReturnType<typeof startNodeMediaServer>> | undefined;
  if (o.peers && !bframes) {
    o.say('starting peer: node-media-server (HTTP-FLV)');
    nms = await startNodeMediaServer();
    clean.add(() => nms?.stop());
    urls.push(nms.rtmpUrl('bench'));
  }
  o.say('broadcasting');
  const broadcaster = await startRtmpBroadcaster({ url: urls, profile: bframes ? 'obs-default' : 'zerolatency' });
  clean.add(() => broadcaster.stop());
  await until(() => g.glint.sfu.hasSource(CHANNEL), { what: 'the SFU source', timeoutMs: 20_000 });
  const asked = performance.now();
  const viewers: Watched[] = [await whepViewer(o, g.http(`/whep/${CHANNEL}`), 'Glint', true)];
  taps.tapForwarding();
  if (nms) viewers.push(await flvViewer(o, nms.flvUrl('bench')));
  for (const v of viewers) clean.add(() => v.close());
  const results = await measure(o, viewers, (w, r) => glintResult(w, r, { broadcaster, taps }));
  const path = bframes ? 'rtmp-bframes-webrtc' : 'rtmp-webrtc';
  return {
    path,
    title: PATHS[path],
    net: o.net.label,
    seconds: o.seconds,
    viewers: results,
    notes: [`first frame measured from the WHEP offer (${((performance.now() - asked) / 1000).toFixed(0)} s ago)`],
  };
}

async function flvViewer(o: PathOptions, url: string): Promise<Watched> {
  const viewer = await openViewer(o.browser, {
    player: 'mpegts',
    url: await o.net.http(url),
    label: 'node-media-server · mpegts.js',
  });
  return {
    label: 'node-media-server · mpegts.js',
    server: 'node-media-server',
    player: 'mpegts',
    report: () => viewer.report(),
    close: () => viewer.close(),
  };
}

/** Glint with a Chromium page publishing the band over WHIP, its forwarding tapped from the start. */
async function startWhipSource(o: PathOptions, clean: Cleanup): Promise<{ g: TestGlint; taps: ServerTaps }> {
  const { g, taps } = await startServer(o.partMs, clean);
  o.say('publishing from Chromium over WHIP');
  const publisher = await startWhipPublisher(o.browser, {
    whipUrl: g.http(`/whip/${CHANNEL}`),
    streamKey: g.keys[CHANNEL] ?? '',
  });
  clean.add(() => publisher.stop());
  await until(() => g.glint.sfu.hasSource(CHANNEL), { what: 'the WHIP source', timeoutMs: 20_000 });
  taps.tapForwarding();
  return { g, taps };
}

async function whipWebrtc(o: PathOptions, clean: Cleanup): Promise<PathResult> {
  const { g, taps } = await startWhipSource(o, clean);
  const viewers: Watched[] = [await whepViewer(o, g.http(`/whep/${CHANNEL}`), 'Glint', true)];
  if (o.peers) {
    o.say('starting peer: bare werift relay');
    const relay = await startWeriftRelay();
    clean.add(() => relay.stop());
    const peerPublisher = await startWhipPublisher(o.browser, { whipUrl: relay.whipUrl, streamKey: 'relay' });
    clean.add(() => peerPublisher.stop());
    viewers.push(await whepViewer(o, relay.whepUrl, 'bare werift relay', false));
  }
  for (const v of viewers) clean.add(() => v.close());
  const results = await measure(o, viewers, (w, r) => glintResult(w, r, { taps }));
  return {
    path: 'whip-webrtc',
    title: PATHS['whip-webrtc'],
    net: o.net.label,
    seconds: o.seconds,
    viewers: results,
    notes: [],
  };
}

async function whipLlhls(o: PathOptions, clean: Cleanup): Promise<PathResult> {
  const { g, taps } = await startWhipSource(o, clean);
  const playlist = g.http(`/live/${CHANNEL}/index.m3u8`);
  await segmentsReady(playlist, 3);
  // A WHEP viewer tells which RTP timestamp each frame number had: that joins the server's stamps to frames.
  const whep = await whepViewer(o, g.http(`/whep/${CHANNEL}`), 'Glint', true);
  const viewers: Watched[] = [whep];
  for (const player of o.players ?? HLS_PLAYERS) {
    if (player !== 'ffmpeg') viewers.push(await hlsViewer(o, player, playlist, 'Glint', true));
  }
  for (const v of viewers) clean.add(() => v.close());
  let rtpOfFrame = new Map<number, number>();
  let rtpToPts: ((rtp: number) => number) | undefined;
  const results = await measure(o, viewers, (w, r) => {
    if (w === whep) {
      rtpOfFrame = new Map(
        r.frames.filter((f) => f.rtpTimestamp !== undefined).map((f) => [f.frame, f.rtpTimestamp as number]),
      );
      const offset = rtpToPtsOffset(taps);
      if (offset !== undefined) rtpToPts = (rtp) => (((rtp - offset) % 2 ** 32) + 2 ** 32) % 2 ** 32;
    }
    return glintResult(w, r, { taps, rtpOfFrame, ...(rtpToPts ? { rtpToPts } : {}) });
  });
  return {
    path: 'whip-llhls',
    title: PATHS['whip-llhls'],
    net: o.net.label,
    partMs: o.partMs,
    seconds: o.seconds,
    viewers: results,
    notes: ['a WHEP viewer watches too: its RTP timestamps join the server stamps to frame numbers'],
  };
}

/**
 * Waits until the video playlist lists `count` complete segments: stock hls.js gives up on a live playlist with parts
 * but no segment yet, and Shaka 4 probed a segment for captions and wanted three to start.
 */
async function segmentsReady(multivariant: string, count: number): Promise<void> {
  await until(async () => (await segmentsListed(multivariant)) >= count, {
    what: `${count} segments in ${multivariant}`,
    timeoutMs: 30_000,
    intervalMs: 100,
  });
}

/** A URL that answers 200 (a peer's playlist that exists once its first segment is written). */
async function answers(url: string): Promise<void> {
  await until(async () => (await fetch(url).catch(() => undefined))?.ok === true, {
    what: url,
    timeoutMs: 20_000,
    intervalMs: 100,
  });
}
