/**
 * The live player without its looks: LL-HLS through hls.js in low-latency mode or WebRTC through WHEP into one
 * <video>, a retry loop while the stream is not there, the DVR (the broadcast's EVENT playlist, rewound), the latency
 * each path can measure and the quality control each offers. The page tells it whether the platform has the channel
 * on air (`channelLive`): it stops when the channel goes offline and starts by itself when it is live again. React
 * reads its state through `subscribe`/`getState` (useSyncExternalStore).
 */
import type { HlsConstructor, HlsInstance } from '../../../hls/hls-player.ts';
import { hlsQualityControl } from '../../../hls/quality-control.ts';
import { playlistEdge, startArchiveHls } from '../../../pages/shared/archive-player.ts';
import type { DvrInfo } from '../../../pages/shared/types.ts';
import { whepLatencySec } from '../../../webrtc/index.ts';
import { api, errorText } from '../../api.ts';
import { takeEarlyWhep } from './early-start.ts';
import { startLiveHls } from './live-hls.ts';
import { LiveWhep } from './live-whep.ts';
import { loadHls } from './load-hls.ts';
import { exposeHls } from './player-globals.ts';
import { type DvrWindow, initialPlayerState, type PlayerState, type PlayMode } from './player-state.ts';

export type { DvrWindow, PlayerPhase, PlayerState, PlayMode } from './player-state.ts';

export interface LiveEngineOptions {
  readonly channel: string;
  readonly mode: PlayMode;
  /** Called when the DVR starts playing a broadcast (its lists may have grown since the page loaded). */
  readonly onDvrStarted?: () => void;
}

const RETRY_MS = 2000;
const LATENCY_EVERY_MS = 500;

export class LiveEngine {
  readonly #video: HTMLVideoElement;
  readonly #channel: string;
  readonly #hlsSrc: string;
  readonly #whepUrl: string;
  readonly #onDvrStarted: (() => void) | undefined;
  readonly #listeners = new Set<() => void>();
  readonly #latencyTimer: ReturnType<typeof setInterval>;
  #state: PlayerState;
  #hls: HlsInstance | null = null;
  #whep: LiveWhep | null = null;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every stop: async work begun by an earlier player ends quietly. */
  #run = 0;
  /** Bumped by every switch between live and DVR, so a slow DVR lookup does not win over a later Go live. */
  #switches = 0;
  /** The broadcast the platform has on air (undefined: not asked yet). */
  #broadcastId: string | null | undefined = undefined;
  #dvrBroadcastId = '';
  #destroyed = false;

  constructor(video: HTMLVideoElement, options: LiveEngineOptions) {
    this.#video = video;
    this.#channel = options.channel;
    const id = encodeURIComponent(options.channel);
    this.#hlsSrc = `/live/${id}/index.m3u8`;
    this.#whepUrl = `/whep/${id}`;
    this.#onDvrStarted = options.onDvrStarted;
    this.#state = initialPlayerState(options.mode);
    this.#latencyTimer = setInterval(() => void this.#readLatency(), LATENCY_EVERY_MS);
  }

  readonly getState = (): PlayerState => this.#state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** The hls.js instance playing (live or DVR), for the page's console and tests. */
  get hls(): HlsInstance | null {
    return this.#hls;
  }

  get whep(): LiveWhep | null {
    return this.#whep;
  }

  /** The broadcast the DVR plays (a clip of what is on screen is a range of it). */
  get dvrBroadcastId(): string {
    return this.#dvrBroadcastId;
  }

  /** Plays live in the current mode (from the top: any player running is stopped first). */
  start(): void {
    this.#switches++;
    this.#stop();
    if (this.#broadcastId === null) {
      this.#offline();
      return;
    }
    this.#set({ phase: 'connecting', status: 'connecting…', inDvr: false, notice: '' });
    this.#begin();
  }

  /** LL-HLS or WebRTC; from the DVR either goes back to live. */
  setMode(mode: PlayMode): void {
    if (mode === this.#state.mode && !this.#state.inDvr) return;
    this.#set({ mode });
    this.start();
  }

  /** Back to the live edge, in the viewer's mode. */
  goLive(): void {
    this.start();
  }

  /** What the platform says: the broadcast on air, or null when the channel is offline. */
  channelLive(broadcastId: string | null): void {
    const previous = this.#broadcastId;
    this.#broadcastId = broadcastId;
    // In the DVR the archive plays on: once the broadcast ends it is the VOD.
    if (this.#destroyed || this.#state.inDvr) return;
    const { phase } = this.#state;
    if (broadcastId === null) {
      if (phase !== 'offline') {
        this.#stop();
        this.#offline();
      }
      return;
    }
    const idle = phase === 'offline' || phase === 'ended';
    const fresh = previous !== undefined && previous !== broadcastId && phase !== 'live';
    if (idle || fresh) this.start();
  }

  /** Plays the broadcast's EVENT playlist (the archive so far), `behindSec` before its edge. */
  async rewind(behindSec: number): Promise<void> {
    const switchNo = ++this.#switches;
    let Hls: HlsConstructor;
    let info: DvrInfo;
    try {
      [Hls, info] = await Promise.all([
        loadHls(),
        api<DvrInfo>(`/api/channels/${encodeURIComponent(this.#channel)}/dvr`),
      ]);
    } catch (error) {
      if (switchNo === this.#switches) this.#set({ notice: `Rewind is not available: ${errorText(error)}` });
      return;
    }
    if (switchNo !== this.#switches || this.#destroyed) return;
    if (!Hls.isSupported()) {
      this.#set({ notice: 'Rewind needs Media Source Extensions, which this browser does not have.' });
      return;
    }
    this.#stop();
    const archive = startArchiveHls(Hls, this.#video, info.playlistUrl, {
      behindEdgeSec: behindSec,
      onManifest: () => this.#play(),
      onFatal: (data) => {
        if (this.#hls !== archive) return;
        this.start();
        this.#set({ notice: `Rewind failed (${data.details}); back to live.` });
      },
    });
    this.#setHls(archive);
    this.#dvrBroadcastId = info.broadcastId;
    this.#set({
      phase: 'rewound',
      status: 'REWOUND',
      inDvr: true,
      canRewind: true,
      notice: '',
      latencySec: null,
      latencyKind: 'rewound: see the seek bar',
      quality: hlsQualityControl(Hls, archive),
    });
    this.#onDvrStarted?.();
  }

  /** The DVR playlist's window, or null when not in the DVR (or before its first playlist). */
  dvrWindow(): DvrWindow | null {
    const hls = this.#hls;
    if (!this.#state.inDvr || !hls) return null;
    return playlistEdge(hls);
  }

  /** The viewer asked for sound (after the browser made the player start muted). */
  unmute(): void {
    this.#set({ autoMuted: false });
    this.#video.muted = false;
    void this.#video.play().catch(() => {});
  }

  /**
   * Ends every player now: the page is leaving (a WHEP session's DELETE goes out at once, so the viewer slot and the
   * count drop now rather than at the server's ICE timeout). `start()` plays again if the page comes back.
   */
  suspend(): void {
    this.#stop();
    this.#set({ phase: 'connecting', status: 'connecting…' });
  }

  destroy(): void {
    this.#destroyed = true;
    clearInterval(this.#latencyTimer);
    this.#stop();
    this.#listeners.clear();
  }

  #set(patch: Partial<PlayerState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (error) {
        console.error('player listener failed', error);
      }
    }
  }

  #begin(): void {
    if (this.#state.mode === 'webrtc') void this.#startWebrtc();
    else void this.#startLlhls();
  }

  #stop(): void {
    this.#run++;
    clearTimeout(this.#retry);
    this.#state.quality?.detach();
    if (this.#hls) {
      this.#hls.destroy();
      this.#hls = null;
      exposeHls(undefined);
    }
    this.#whep?.stop();
    this.#whep = null;
    this.#video.srcObject = null;
    this.#video.removeAttribute('src');
    if (this.#state.quality || this.#state.latencySec !== null) this.#set({ quality: null, latencySec: null });
  }

  #live(): void {
    this.#set({ phase: 'live', status: 'LIVE', canRewind: true });
  }

  #offline(): void {
    this.#set({ phase: 'offline', status: 'offline', canRewind: false, inDvr: false, latencySec: null });
  }

  /** Tries again in a moment with the same mode, keeping the status line (no flicker to "connecting"). */
  #retryLater(status: string): void {
    this.#set({ phase: 'retrying', status });
    clearTimeout(this.#retry);
    const run = this.#run;
    this.#retry = setTimeout(() => {
      if (run !== this.#run) return;
      this.#stop();
      this.#begin();
    }, RETRY_MS);
  }

  /** Plays, with sound when the browser allows it; otherwise muted, with Unmute offered. */
  #play(): void {
    const video = this.#video;
    video.play().catch((error: unknown) => {
      if (!(error instanceof DOMException) || error.name !== 'NotAllowedError' || video.muted) return;
      this.#set({ autoMuted: true });
      video.muted = true;
      void video.play().catch(() => {});
    });
  }

  #setHls(hls: HlsInstance): void {
    this.#hls = hls;
    // The e2e player probe hooks hls.js through this assignment.
    exposeHls(hls);
  }

  async #startLlhls(): Promise<void> {
    const run = this.#run;
    this.#set({ latencyKind: 'hls.js, behind the live edge' });
    let Hls: HlsConstructor;
    try {
      Hls = await loadHls();
    } catch (error) {
      if (run !== this.#run) return;
      console.error('hls.js could not be loaded', error);
      this.#retryLater('the player could not be loaded — retrying');
      return;
    }
    if (run !== this.#run) return;
    if (!Hls.isSupported()) {
      if (this.#video.canPlayType('application/vnd.apple.mpegurl')) {
        // No Media Source Extensions but HLS built in (Safari on iOS): the browser plays the playlist itself.
        this.#video.src = this.#hlsSrc;
        this.#live();
        this.#play();
      } else {
        this.#set({ mode: 'webrtc' });
        void this.#startWebrtc();
      }
      return;
    }
    const live = startLiveHls(Hls, this.#video, this.#hlsSrc, {
      onLive: () => {
        if (this.#hls !== live) return;
        this.#live();
        this.#play();
      },
      onTrouble: (status) => {
        if (this.#hls === live) this.#retryLater(status);
      },
      // The platform says offline soon after; until then the last seconds play out.
      onEnded: () => {
        if (this.#hls !== live) return;
        this.#set({ phase: 'ended', status: 'the broadcast ended', latencySec: null, canRewind: false });
      },
    });
    this.#setHls(live);
    this.#set({ quality: hlsQualityControl(Hls, live) });
  }

  async #startWebrtc(): Promise<void> {
    this.#set({ latencyKind: 'receive buffer + network' });
    const whep = takeEarlyWhep(this.#channel) ?? new LiveWhep(this.#whepUrl);
    this.#whep = whep;
    whep.attach(this.#video, {
      onConnected: () => {
        if (this.#whep === whep) this.#live();
      },
      onTrouble: (status) => {
        if (this.#whep === whep) this.#retryLater(status);
      },
      onTrack: () => {
        if (this.#whep === whep) this.#play();
      },
    });
    const quality = await whep.ready;
    if (quality && this.#whep === whep) this.#set({ quality });
  }

  async #readLatency(): Promise<void> {
    const { inDvr, phase } = this.#state;
    let seconds: number | null = null;
    const hls = this.#hls;
    if (hls && !inDvr && phase !== 'ended' && Number.isFinite(hls.latency) && hls.latency > 0) seconds = hls.latency;
    const pc = this.#whep?.pc;
    if (pc && pc.connectionState !== 'closed') seconds = await whepLatencySec(pc).catch(() => null);
    if (seconds === null) return;
    const rounded = Math.round(seconds * 100) / 100;
    if (rounded !== this.#state.latencySec) this.#set({ latencySec: rounded });
  }
}
