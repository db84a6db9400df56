/**
 * How each player is started in the viewer page, as its users start it: stock settings but for each one's live
 * low-latency switch. Every function runs in the page (sent with page.evaluate, so self-contained): the player's
 * script is already loaded, the recorder is `window.__rec`, and the player is left as `window.__player` with a
 * `window.__stopPlayer` to end it. The players' types are written out here (only what is used), since their
 * packages ship them as globals of a script, not as modules this workspace imports.
 */
import type { PageRecorder } from './frame-recorder.ts';

/**
 * hls.js: `{ lowLatencyMode: true }` plus `extra` (e.g. the watch page's catch-up rate); stalls are
 * BUFFER_STALLED_ERROR; parts' load ends give the "received" stage.
 */
export function attachHlsJs({ url, extra }: { url: string; extra: Record<string, unknown> }): void {
  interface Segment {
    readonly start: number;
    readonly duration: number;
    readonly stats: { readonly loading: { readonly end: number } };
    readonly elementaryStreams?: { readonly video?: { readonly startPTS: number; readonly endPTS: number } | null };
  }
  interface LoadedData {
    readonly frag: Segment & { readonly type: string };
    readonly part: Segment | null;
  }
  interface ErrorData {
    readonly fatal: boolean;
    readonly type: string;
    readonly details: string;
    readonly error?: Error;
  }
  interface Hls {
    on(event: string, listener: (event: string, data: never) => void): void;
    loadSource(url: string): void;
    attachMedia(media: HTMLMediaElement): void;
    destroy(): void;
  }
  interface HlsClass {
    new (config: Record<string, unknown>): Hls;
    readonly Events: Record<string, string>;
    readonly ErrorDetails: Record<string, string>;
  }
  const w = window as unknown as Record<string, unknown>;
  const rec = w.__rec as PageRecorder;
  const Hls = w.Hls as HlsClass;
  const video = document.querySelector('video') as HTMLVideoElement;
  const hls = new Hls({ lowLatencyMode: true, ...extra });
  // The parts (or segments) of video loaded lately, newest last, with the wall clock their load ended.
  const loaded: Array<{ segment: Segment; loadedMs: number }> = [];
  hls.on(Hls.Events.FRAG_LOADED ?? 'hlsFragLoaded', (_event, data: LoadedData) => {
    if (data.frag.type !== 'main') return;
    const segment = data.part ?? data.frag;
    const end = segment.stats.loading.end;
    if (!(end > 0)) return;
    loaded.push({ segment, loadedMs: performance.timeOrigin + end });
    if (loaded.length > 64) loaded.shift();
  });
  rec.receivedAt = (mediaTimeSec) => {
    for (let i = loaded.length - 1; i >= 0; i--) {
      const entry = loaded[i];
      if (!entry) continue;
      // Once transmuxed, a part knows its video's exact PTS range (media timeline); before, only the playlist's.
      const es = entry.segment.elementaryStreams?.video;
      const start = es ? es.startPTS : entry.segment.start;
      const end = es ? es.endPTS : entry.segment.start + entry.segment.duration;
      if (mediaTimeSec >= start - 0.001 && mediaTimeSec < end - 0.001) return entry.loadedMs;
    }
    return undefined;
  };
  hls.on(Hls.Events.ERROR ?? 'hlsError', (_event, data: ErrorData) => {
    if (data.details === Hls.ErrorDetails.BUFFER_STALLED_ERROR) rec.stall();
    if (data.fatal) rec.fail(`hls.js ${data.type} ${data.details}${data.error ? `: ${data.error.message}` : ''}`);
  });
  rec.play();
  hls.loadSource(url);
  hls.attachMedia(video);
  w.__player = hls;
  w.__stopPlayer = () => hls.destroy();
}

/** Shaka Player: `streaming.lowLatencyMode: true`; stalls are 'buffering' events; critical errors are fatal. */
export async function attachShaka(url: string): Promise<void> {
  interface ShakaError {
    readonly severity: number;
    readonly category: number;
    readonly code: number;
    readonly message?: string;
  }
  interface Player {
    addEventListener(type: string, listener: (event: Event & Record<string, unknown>) => void): void;
    attach(media: HTMLMediaElement): Promise<void>;
    configure(config: Record<string, unknown>): boolean;
    load(url: string): Promise<void>;
    destroy(): Promise<void>;
  }
  interface Shaka {
    polyfill: { installAll(): void };
    Player: { new (): Player; isBrowserSupported(): boolean };
  }
  const w = window as unknown as Record<string, unknown>;
  const rec = w.__rec as PageRecorder;
  const shaka = w.shaka as Shaka;
  const video = document.querySelector('video') as HTMLVideoElement;
  // A shaka.util.Error carries a code and category; anything else thrown out of load() is a plain Error.
  const describe = (e: ShakaError | Error) =>
    'code' in e && typeof e.code === 'number'
      ? `shaka error ${e.code} (category ${e.category})${e.message ? `: ${e.message}` : ''}`
      : `shaka: ${e.message}`;
  shaka.polyfill.installAll();
  if (!shaka.Player.isBrowserSupported()) {
    rec.fail('shaka: browser not supported');
    return;
  }
  const player = new shaka.Player();
  w.__player = player;
  w.__stopPlayer = () => player.destroy();
  player.addEventListener('error', (event) => {
    const error = event.detail as ShakaError;
    // 2 is shaka.util.Error.Severity.CRITICAL: the player stopped.
    if (error.severity === 2) rec.fail(describe(error));
  });
  player.addEventListener('buffering', (event) => {
    if (event.buffering === true) rec.stall();
  });
  await player.attach(video);
  player.configure({ streaming: { lowLatencyMode: true } });
  rec.play();
  try {
    await player.load(url);
  } catch (error) {
    rec.fail(describe(error as ShakaError | Error));
  }
}

/** mpegts.js on HTTP-FLV: `{ type: 'flv', isLive: true }` with live latency chasing, as its README has for live. */
export function attachMpegts(url: string): void {
  interface Player {
    on(event: string, listener: (...args: unknown[]) => void): void;
    attachMediaElement(media: HTMLMediaElement): void;
    load(): void;
    play(): Promise<void> | undefined;
    destroy(): void;
  }
  interface Mpegts {
    createPlayer(source: Record<string, unknown>, config: Record<string, unknown>): Player;
    readonly Events: Record<string, string>;
  }
  const w = window as unknown as Record<string, unknown>;
  const rec = w.__rec as PageRecorder;
  const mpegts = w.mpegts as Mpegts;
  const video = document.querySelector('video') as HTMLVideoElement;
  const player = mpegts.createPlayer({ type: 'flv', isLive: true, url }, { liveBufferLatencyChasing: true });
  w.__player = player;
  w.__stopPlayer = () => player.destroy();
  player.on(mpegts.Events.ERROR ?? 'error', (type, detail, info) => {
    const message = (info as { msg?: string } | undefined)?.msg;
    rec.fail(`mpegts ${String(type)} ${String(detail)}${message ? `: ${message}` : ''}`);
  });
  video.addEventListener('waiting', () => rec.stall());
  rec.play();
  player.attachMediaElement(video);
  player.load();
  player.play()?.catch((error: Error) => rec.fail(`mpegts play(): ${error.message}`));
}

/** WHEP with Glint's own browser client (`window.glintWebrtc`): receive-only video and audio, non-trickle. */
export async function attachWhep(url: string): Promise<void> {
  const w = window as unknown as Record<string, unknown>;
  const rec = w.__rec as PageRecorder;
  const video = document.querySelector('video') as HTMLVideoElement;
  video.addEventListener('waiting', () => rec.stall());
  rec.play();
  try {
    const session = await window.glintWebrtc.whepPlay(url, {
      onTrack: (event) => {
        if (event.track.kind !== 'video') return;
        video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
        video.play().catch((error: Error) => rec.fail(`video.play(): ${error.message}`));
      },
      beforeOffer: (pc) =>
        pc.addEventListener('connectionstatechange', () => {
          if (pc.connectionState === 'failed') rec.fail('WHEP: the peer connection failed');
        }),
    });
    w.__player = session;
    w.__stopPlayer = () => session.stop();
  } catch (error) {
    rec.fail(`WHEP: ${(error as Error).message}`);
  }
}
