/**
 * The watch page: LL-HLS through hls.js in low-latency mode, or WebRTC through WHEP, each with the latency it can
 * measure, and a retry loop while the channel is offline. Both offer the quality menu: hls.js' renditions, or the
 * channel's WebRTC layers (picked on the server without renegotiating). `?mode=webrtc` opens on WebRTC. The server fills in the
 * playlist and WHEP URLs (data attributes of <main>); the React app replaces this page in a later issue.
 */
import { globalHls, type HlsInstance, startHls } from '../../hls/hls-player.ts';
import { hlsQualityControl, type QualityControl } from '../../hls/quality-control.ts';
import { SignalingError, type WebrtcSession, whepLatencySec, whepPlay } from '../../webrtc/index.ts';
import { whepLayersUrl, whepQualityControl } from '../../webrtc/whep-quality-control.ts';
import { api, errorText } from '../shared/api.ts';
import { playlistEdge, startArchiveHls } from '../shared/archive-player.ts';
import { makeClip } from '../shared/clip-maker.ts';
import { element } from '../shared/dom.ts';
import { clipCard, fillList, vodCard } from '../shared/media-lists.ts';
import type { ClipItem, DvrInfo, VodItem } from '../shared/types.ts';
import { watchChannelState } from './channel-state.ts';
import { startChat } from './chat-panel.ts';
import { dvrControls } from './dvr-controls.ts';
import { qualityMenu } from './quality-menu.ts';

type Mode = 'webrtc' | 'llhls';
const RETRY_MS = 2000;

/** A WHEP attempt: the connection exists from the start, the session once the server has answered. */
interface WhepAttempt {
  pc: RTCPeerConnection | null;
  session: WebrtcSession | null;
}

const main = element<HTMLElement>('watch');
const hlsSrc = main.dataset.hlsSrc ?? '';
const whepUrl = main.dataset.whepUrl ?? '';
const channel = main.dataset.channel ?? '';
const video = element<HTMLVideoElement>('video');
const statusEl = element('status');
const latencyEl = element('latency');
const kindEl = element('latency-kind');
const Hls = globalHls();
const menu = qualityMenu(element<HTMLSelectElement>('quality'), element('quality-menu'), element('rendition'));

let mode: Mode = new URLSearchParams(location.search).get('mode') === 'webrtc' ? 'webrtc' : 'llhls';
let hls: HlsInstance | null = null;
let whep: WhepAttempt | null = null;
// The renditions the current mode offers: hls.js levels, or the SFU's video layers for this WHEP viewer.
let quality: QualityControl | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;
/** The live playlist said ENDLIST: wait for the channel to go live again instead of retrying. */
let ended = false;
/** Bumped by every switch between live and DVR, so a slow DVR lookup does not win over a later Go live. */
let switches = 0;
/** The broadcast the DVR plays (its clips are ranges of it). */
let dvrBroadcastId = '';
const dvr = dvrControls(video, { rewind: (behindSec) => void startDvr(behindSec), goLive });
const clipStatus = element('clip-status');

// What tests and the console can read: the mode and the live player objects.
const w = window as unknown as Record<string, unknown>;
w.glintPlayer = {
  get mode() {
    return mode;
  },
  get hls() {
    return hls;
  },
  get whep() {
    return whep;
  },
  get quality() {
    return quality;
  },
  get dvr() {
    return dvr.inDvr;
  },
};

element('unmute').onclick = () => {
  video.muted = false;
  void video.play();
};

/** The status line; the DVR strip shows from LIVE on and hides only once the stream is known to be offline. */
function setStatus(text: string, live: boolean, offline = false): void {
  statusEl.textContent = text;
  statusEl.className = live ? 'live' : 'muted';
  if (live || offline) dvr.setLive(live);
}

function restartLater(): void {
  clearTimeout(retry);
  retry = setTimeout(() => {
    stop();
    start();
  }, RETRY_MS);
}

function stop(): void {
  clearTimeout(retry);
  quality?.detach();
  quality = null;
  menu.attach(null);
  if (hls) {
    hls.destroy();
    hls = null;
    w.hls = undefined;
  }
  if (whep) {
    whep.pc?.close();
    void whep.session?.stop();
    whep = null;
  }
  video.srcObject = null;
  video.removeAttribute('src');
  latencyEl.textContent = '–';
}

function startLlhls(): void {
  if (!Hls) return;
  kindEl.textContent = '(hls.js, behind the live edge)';
  const live = startHls(Hls, video, hlsSrc, {
    onManifest: () => {
      setStatus('LIVE', true);
      video.play().catch(() => {});
    },
    onFatal: (data) => {
      const offline = data.type === 'networkError';
      setStatus(offline ? 'offline — waiting for the stream' : `error: ${data.details}`, false, offline);
      restartLater();
    },
  });
  hls = live;
  // ENDLIST: the broadcast is over (hls.js plays what is left and stops); the channel poll restarts the player.
  live.on(Hls.Events.LEVEL_LOADED, (_event, data) => {
    if (data.details.live || hls !== live) return;
    ended = true;
    latencyEl.textContent = '–';
    setStatus('offline — the broadcast ended', false, true);
    refreshLists();
  });
  quality = hlsQualityControl(Hls, hls);
  menu.attach(quality);
  // The e2e player probe hooks hls.js through this assignment.
  w.hls = hls;
}

async function startWebrtc(): Promise<void> {
  kindEl.textContent = '(receive buffer + network)';
  const attempt: WhepAttempt = { pc: null, session: null };
  whep = attempt;
  const stream = new MediaStream();
  try {
    attempt.session = await whepPlay(whepUrl, {
      beforeOffer: (pc) => {
        attempt.pc = pc;
        pc.addEventListener('connectionstatechange', () => {
          if (pc.connectionState === 'connected') setStatus('LIVE', true);
          if ((pc.connectionState === 'failed' || pc.connectionState === 'closed') && whep === attempt) {
            setStatus('disconnected — retrying', false);
            restartLater();
          }
        });
      },
      onTrack: (event) => {
        stream.addTrack(event.track);
        video.srcObject = stream;
        video.play().catch(() => {});
      },
    });
    if (whep !== attempt) {
      void attempt.session.stop();
      return;
    }
    const sessionUrl = attempt.session.resourceUrl;
    if (sessionUrl) {
      quality = whepQualityControl({
        pc: attempt.session.pc,
        sessionUrl,
        layersUrl: whepLayersUrl(whepUrl, location.href),
      });
      menu.attach(quality);
    }
  } catch (error) {
    if (whep !== attempt) return;
    const status = error instanceof SignalingError ? error.status : null;
    setStatus(
      status === 404 ? 'offline — waiting for the stream' : `WebRTC unavailable (${status ?? 'network'})`,
      false,
      status === 404,
    );
    if (!(error instanceof SignalingError)) console.error(error);
    restartLater();
  }
}

function start(): void {
  ended = false;
  for (const m of ['webrtc', 'llhls'] as const) {
    element(`mode-${m}`).setAttribute('aria-pressed', String(m === mode));
  }
  setStatus('connecting…', false);
  if (mode === 'webrtc') void startWebrtc();
  else startLlhls();
}

function choose(next: Mode): void {
  if (next === mode && !dvr.inDvr) return;
  mode = next;
  goLive();
}

/** Plays the broadcast's EVENT playlist (the archive so far), `behindSec` before its edge. */
async function startDvr(behindSec: number): Promise<void> {
  if (!Hls?.isSupported()) return;
  const switchNo = ++switches;
  let info: DvrInfo;
  try {
    info = await api<DvrInfo>(`/api/channels/${encodeURIComponent(channel)}/dvr`);
  } catch (error) {
    clipStatus.textContent = `Rewind is not available: ${errorText(error)}`;
    return;
  }
  if (switchNo !== switches) return;
  stop();
  const archive = startArchiveHls(Hls, video, info.playlistUrl, {
    behindEdgeSec: behindSec,
    onManifest: () => video.play().catch(() => {}),
    onFatal: (data) => {
      clipStatus.textContent = `Rewind failed (${data.details}); back to live.`;
      goLive();
    },
  });
  hls = archive;
  quality = hlsQualityControl(Hls, archive);
  menu.attach(quality);
  w.hls = archive;
  dvrBroadcastId = info.broadcastId;
  // The broadcast is archived by now, so the list shows it as recording (it may have opened before its first segment).
  refreshLists();
  dvr.setDvr(() => (hls === archive ? playlistEdge(archive) : null));
  setStatus('REWOUND', false);
  kindEl.textContent = '(rewound: see the seek bar)';
}

/** Back to the live edge of the live playlist (or WebRTC, when that was the viewer's mode). */
function goLive(): void {
  switches++;
  dvr.setDvr(null);
  stop();
  start();
}
element('mode-webrtc').onclick = () => choose('webrtc');
element('mode-llhls').onclick = () => choose('llhls');

setInterval(async () => {
  let seconds: number | null = null;
  if (hls && !dvr.inDvr && !ended && Number.isFinite(hls.latency) && hls.latency > 0) seconds = hls.latency;
  if (whep?.pc) seconds = await whepLatencySec(whep.pc);
  if (seconds !== null) latencyEl.textContent = `${seconds.toFixed(2)} s`;
}, 500);

const chatPanel = document.getElementById('chat');
if (chatPanel && channel) startChat(channel, chatPanel);

const clipButton = element<HTMLButtonElement>('clip');
const CLIP_SEC = 30;
clipButton.onclick = async () => {
  // Live: the last 30 s of the stream; rewound: the 30 s up to what the viewer is watching.
  const endSec = Math.max(5, Math.round(video.currentTime * 10) / 10);
  const request = dvr.inDvr
    ? { broadcastId: dvrBroadcastId, startSec: Math.max(0, endSec - CLIP_SEC), endSec }
    : { channel, seconds: CLIP_SEC };
  const clip = await makeClip(request, clipStatus, clipButton);
  if (clip) refreshLists();
};

function refreshLists(): void {
  const id = encodeURIComponent(channel);
  void fillList<VodItem>(element('vods'), `/api/channels/${id}/vods`, vodCard, 'No past broadcasts yet.');
  void fillList<ClipItem>(element('clips'), `/api/channels/${id}/clips`, clipCard, 'No clips yet.');
}

// The lists change when a broadcast starts (a recording VOD) and ends; a new broadcast after ENDLIST restarts the
// player.
watchChannelState(channel, (broadcastId) => {
  refreshLists();
  if (!broadcastId) dvr.setLive(false);
  if (broadcastId && ended && !dvr.inDvr) {
    stop();
    start();
  }
});

// Leaving the page ends a WHEP session at once (a DELETE that outlives the page), so the viewer slot and the count
// drop now rather than at the server's ICE timeout.
addEventListener('pagehide', () => stop());

if (mode === 'llhls' && !Hls?.isSupported()) mode = 'webrtc';
start();
