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
import { startChat } from './chat-panel.ts';
import { qualityMenu } from './quality-menu.ts';

type Mode = 'webrtc' | 'llhls';
const RETRY_MS = 2000;

/** A WHEP attempt: the connection exists from the start, the session once the server has answered. */
interface WhepAttempt {
  pc: RTCPeerConnection | null;
  session: WebrtcSession | null;
}

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the watch page has no #${id}`);
  return found as T;
}

const main = element<HTMLElement>('watch');
const hlsSrc = main.dataset.hlsSrc ?? '';
const whepUrl = main.dataset.whepUrl ?? '';
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
};

element('unmute').onclick = () => {
  video.muted = false;
  void video.play();
};

function setStatus(text: string, live: boolean): void {
  statusEl.textContent = text;
  statusEl.className = live ? 'live' : 'muted';
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
  hls = startHls(Hls, video, hlsSrc, {
    onManifest: () => {
      setStatus('LIVE', true);
      video.play().catch(() => {});
    },
    onFatal: (data) => {
      setStatus(data.type === 'networkError' ? 'offline — waiting for the stream' : `error: ${data.details}`, false);
      restartLater();
    },
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
    );
    if (!(error instanceof SignalingError)) console.error(error);
    restartLater();
  }
}

function start(): void {
  for (const m of ['webrtc', 'llhls'] as const) {
    element(`mode-${m}`).setAttribute('aria-pressed', String(m === mode));
  }
  setStatus('connecting…', false);
  if (mode === 'webrtc') void startWebrtc();
  else startLlhls();
}

function choose(next: Mode): void {
  if (next === mode) return;
  mode = next;
  stop();
  start();
}
element('mode-webrtc').onclick = () => choose('webrtc');
element('mode-llhls').onclick = () => choose('llhls');

setInterval(async () => {
  let seconds: number | null = null;
  if (hls && Number.isFinite(hls.latency) && hls.latency > 0) seconds = hls.latency;
  if (whep?.pc) seconds = await whepLatencySec(whep.pc);
  if (seconds !== null) latencyEl.textContent = `${seconds.toFixed(2)} s`;
}, 500);

const chatPanel = document.getElementById('chat');
const channel = document.getElementById('watch')?.dataset.channel;
if (chatPanel && channel) startChat(channel, chatPanel);

// Leaving the page ends a WHEP session at once (a DELETE that outlives the page), so the viewer slot and the count
// drop now rather than at the server's ICE timeout.
addEventListener('pagehide', () => stop());

if (mode === 'llhls' && !Hls?.isSupported()) mode = 'webrtc';
start();
