/**
 * A clip's page (/clip/<clipId>): while the clip is queued or being made it polls GET /api/clips/<id> and shows the
 * state; then the MP4 in a plain <video controls> with its JPEG poster, the facts, a share link and a download.
 */
import { api, errorText } from '../shared/api.ts';
import { CLIP_STATUS_TEXT } from '../shared/clip-maker.ts';
import { element } from '../shared/dom.ts';
import { formatClock } from '../shared/format.ts';
import { wireShareLink } from '../shared/share-link.ts';
import type { ClipItem } from '../shared/types.ts';

const POLL_MS = 1000;
/** Polling stops after this long; the page says to come back (a reload starts again). */
const GIVE_UP_MS = 5 * 60_000;

const main = element('clip-page');
const clipId = main.dataset.clipId ?? '';
const making = element('making');
const makingText = element('making-text');
const video = element<HTMLVideoElement>('video');
const errorEl = element('error');

function showFacts(clip: ClipItem): void {
  document.title = `${clip.title || 'Clip'} · ${clip.channel} · Glint`;
  element('title').textContent = clip.title || 'Untitled clip';
  const channelLink = element<HTMLAnchorElement>('channel-link');
  channelLink.textContent = clip.channel;
  channelLink.href = `/watch/${encodeURIComponent(clip.channel)}`;
  element('range').textContent =
    `${formatClock(clip.startSec)}–${formatClock(clip.startSec + clip.durationSec)} (${Math.round(clip.durationSec)} s)`;
  element<HTMLAnchorElement>('vod-link').href = `/vod/${encodeURIComponent(clip.broadcastId)}`;
  main.dataset.status = clip.status;
}

function showReady(clip: ClipItem): void {
  if (!clip.videoUrl) return;
  making.hidden = true;
  if (clip.thumbnailUrl) video.poster = clip.thumbnailUrl;
  video.src = clip.videoUrl;
  video.hidden = false;
  const download = element<HTMLAnchorElement>('download');
  download.href = clip.videoUrl;
  download.setAttribute('download', `${clip.channel}-${clip.id}.mp4`);
  download.hidden = false;
}

function fail(text: string): void {
  making.hidden = true;
  errorEl.textContent = text;
  errorEl.hidden = false;
}

async function follow(): Promise<void> {
  wireShareLink(location.href);
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    let clip: ClipItem;
    try {
      clip = await api<ClipItem>(`/api/clips/${encodeURIComponent(clipId)}`);
    } catch (error) {
      fail(`This clip cannot be shown: ${errorText(error)}`);
      return;
    }
    showFacts(clip);
    if (clip.status === 'ready') {
      showReady(clip);
      return;
    }
    if (clip.status === 'failed') {
      fail(`${CLIP_STATUS_TEXT.failed} ${clip.error ?? 'unknown error'}`);
      return;
    }
    makingText.textContent = CLIP_STATUS_TEXT[clip.status];
    if (Date.now() > deadline) {
      fail('The clip is still not made; reload this page later.');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

void follow();
