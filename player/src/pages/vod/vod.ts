/**
 * A past broadcast's page (/vod/<broadcastId>): its archive in hls.js (a VOD playlist; while the broadcast is still
 * on air a growing EVENT playlist, so the page says "recording"), its facts, "Clip this" over the moments before the
 * current position, a share link, the quality menu, and Delete for the channel's owner.
 */
import { globalHls, type HlsInstance } from '../../hls/hls-player.ts';
import { hlsQualityControl } from '../../hls/quality-control.ts';
import { api, currentUser, errorText } from '../shared/api.ts';
import { startArchiveHls } from '../shared/archive-player.ts';
import { makeClip } from '../shared/clip-maker.ts';
import { element } from '../shared/dom.ts';
import { formatClock, formatDate } from '../shared/format.ts';
import { wireShareLink } from '../shared/share-link.ts';
import type { Me, VodItem } from '../shared/types.ts';
import { qualityMenu } from '../watch/quality-menu.ts';

const MIN_CLIP_SEC = 5;

const main = element('vod');
const broadcastId = main.dataset.broadcastId ?? '';
const video = element<HTMLVideoElement>('video');
const stateEl = element('state');
const errorEl = element('error');
const clipButton = element<HTMLButtonElement>('clip');
const clipLength = element<HTMLSelectElement>('clip-length');
const clipRange = element('clip-range');
const deleteButton = element<HTMLButtonElement>('delete');
const menu = qualityMenu(element<HTMLSelectElement>('quality'), element('quality-menu'), element('rendition'));
let hls: HlsInstance | null = null;
let vod: VodItem | null = null;

const w = window as unknown as Record<string, unknown>;
w.glintPlayer = {
  get hls() {
    return hls;
  },
  get vod() {
    return vod;
  },
};

function showError(text: string): void {
  errorEl.textContent = text;
  errorEl.hidden = false;
}

/** The range "Clip this" takes: the `length` seconds up to the current position (at least 5 s, within the VOD). */
function clipWindow(): { startSec: number; endSec: number } {
  const length = Number(clipLength.value);
  const known = Number.isFinite(video.duration) ? video.duration : (vod?.durationSec ?? 0);
  const end = Math.min(Math.max(video.currentTime, Math.min(length, known)), known || video.currentTime);
  const startSec = Math.max(0, end - length);
  return {
    startSec: Math.round(startSec * 10) / 10,
    endSec: Math.round(Math.max(end, startSec + MIN_CLIP_SEC) * 10) / 10,
  };
}

function renderClipRange(): void {
  const { startSec, endSec } = clipWindow();
  clipRange.textContent = `${formatClock(startSec)}–${formatClock(endSec)}`;
}

function show(item: VodItem): void {
  vod = item;
  document.title = `${item.title || 'Past broadcast'} · ${item.channel} · Glint`;
  element('title').textContent = item.title || 'Untitled broadcast';
  const channelLink = element<HTMLAnchorElement>('channel-link');
  channelLink.textContent = item.channel;
  channelLink.href = `/watch/${encodeURIComponent(item.channel)}`;
  element('date').textContent = formatDate(item.startedAt);
  element('duration').textContent = formatClock(item.durationSec);
  const recording = item.state === 'recording';
  stateEl.textContent = recording ? '● recording, rewind available' : 'past broadcast';
  stateEl.className = recording ? 'badge-recording' : 'muted';
}

async function start(): Promise<void> {
  wireShareLink(location.href);
  let item: VodItem;
  try {
    item = await api<VodItem>(`/api/vods/${encodeURIComponent(broadcastId)}`);
  } catch (error) {
    stateEl.textContent = 'unavailable';
    showError(`This broadcast cannot be shown: ${errorText(error)}`);
    clipButton.disabled = true;
    return;
  }
  show(item);
  const Hls = globalHls();
  if (!Hls?.isSupported()) {
    showError('This browser cannot play HLS with MediaSource.');
    return;
  }
  hls = startArchiveHls(Hls, video, item.playlistUrl, {
    startSec: Number(new URLSearchParams(location.search).get('t')) || 0,
    onFatal: (data) => showError(`Playback failed (${data.details}); reload to try again.`),
  });
  w.hls = hls;
  menu.attach(hlsQualityControl(Hls, hls));
  video.addEventListener('timeupdate', renderClipRange);
  renderClipRange();
  const me = await currentUser<Me>();
  // A recording cannot be deleted yet (the server says 409): the button comes once the broadcast has ended.
  deleteButton.hidden = !me || me.channel?.name !== item.channel || item.state === 'recording';
}

clipLength.addEventListener('change', renderClipRange);
clipButton.onclick = () => {
  const { startSec, endSec } = clipWindow();
  void makeClip({ broadcastId, startSec, endSec }, element('clip-status'), clipButton);
};

deleteButton.onclick = async () => {
  if (!vod || !confirm(`Delete "${vod.title || 'this broadcast'}" for good?`)) return;
  deleteButton.disabled = true;
  try {
    await api<void>(`/api/vods/${encodeURIComponent(vod.id)}`, { method: 'DELETE' });
    hls?.destroy();
    hls = null;
    video.removeAttribute('src');
    stateEl.textContent = 'deleted';
    showError('This broadcast was deleted.');
    deleteButton.hidden = true;
    clipButton.disabled = true;
  } catch (error) {
    showError(`Not deleted: ${errorText(error)}`);
    deleteButton.disabled = false;
  }
};

void start();
