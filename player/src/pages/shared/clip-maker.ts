/**
 * Asking for a clip and following it: POST /api/clips, then GET /api/clips/<id> each second while it is queued or
 * being made, with the state written into a status region (role=status) and, once ready, a link to its page.
 */
import { api, errorText } from './api.ts';
import { make } from './dom.ts';
import type { ClipItem } from './types.ts';

/** A live clip (the last `seconds`) or a VOD range. */
export type ClipRequest =
  | { readonly channel: string; readonly seconds: number }
  | { readonly broadcastId: string; readonly startSec: number; readonly endSec: number };

const POLL_MS = 1000;
/** A clip still not made after this long is reported as stuck instead of polled for ever. */
const GIVE_UP_MS = 3 * 60_000;

export const CLIP_STATUS_TEXT: Readonly<Record<ClipItem['status'], string>> = {
  queued: 'Clip queued…',
  making: 'Making the clip…',
  ready: 'Clip ready:',
  failed: 'Clip failed:',
};

/** Shows one clip's state in `out`. */
export function showClip(out: HTMLElement, clip: ClipItem): void {
  out.dataset.clipStatus = clip.status;
  out.dataset.clipId = clip.id;
  if (clip.status === 'ready') {
    out.replaceChildren(`${CLIP_STATUS_TEXT.ready} `, make('a', clip.title || 'your clip', { href: clip.pageUrl }));
  } else if (clip.status === 'failed') {
    out.replaceChildren(`${CLIP_STATUS_TEXT.failed} ${clip.error ?? 'unknown error'}`);
  } else {
    out.replaceChildren(make('span', CLIP_STATUS_TEXT[clip.status], { class: 'spinner-text' }));
  }
}

/**
 * Asks for the clip and follows it to ready or failed; `button` is disabled meanwhile. Returns the final clip, or
 * null when the request was refused (the reason is shown in `out`).
 */
export async function makeClip(
  request: ClipRequest,
  out: HTMLElement,
  button: HTMLButtonElement,
): Promise<ClipItem | null> {
  button.disabled = true;
  out.dataset.clipStatus = 'asking';
  out.textContent = 'Asking for a clip…';
  try {
    let clip = await api<ClipItem>('/api/clips', { method: 'POST', json: request });
    const deadline = Date.now() + GIVE_UP_MS;
    showClip(out, clip);
    while (clip.status === 'queued' || clip.status === 'making') {
      if (Date.now() > deadline) {
        out.textContent = 'The clip is taking too long; its page will show it when it is done.';
        out.append(' ', make('a', 'Clip page', { href: clip.pageUrl }));
        return clip;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      clip = await api<ClipItem>(`/api/clips/${encodeURIComponent(clip.id)}`);
      showClip(out, clip);
    }
    return clip;
  } catch (error) {
    out.dataset.clipStatus = 'refused';
    out.textContent = `No clip: ${errorText(error)}`;
    return null;
  } finally {
    button.disabled = false;
  }
}
