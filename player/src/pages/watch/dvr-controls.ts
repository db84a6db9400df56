/**
 * The watch page's DVR strip: "Rewind" while live; in DVR a seek bar over the broadcast so far, the time behind the
 * DVR playlist's edge ("−0:20"), ±10 s and "Go live". Keyboard: ← / → seek 10 s (← while live rewinds), L goes
 * live; keys typed into a field (chat, the seek bar itself) are left alone.
 */
import { element } from '../shared/dom.ts';
import { formatBehind, formatClock, spokenBehind } from '../shared/format.ts';

export const SEEK_STEP_SEC = 10;
/** Seeking forward stops this far before the edge, where the next segment is not listed yet. */
const EDGE_MARGIN_SEC = 1;

export interface DvrWindow {
  /** Earliest position listed. */
  readonly start: number;
  /** Latest position listed (the end of the EVENT playlist). */
  readonly edge: number;
}

export interface DvrHandlers {
  /** Switch to the DVR playlist, `behindSec` before its edge. */
  rewind(behindSec: number): void;
  /** Back to the live playlist at the live edge. */
  goLive(): void;
}

export interface DvrControls {
  /** Live (rewind possible) or not (offline: the strip hides). */
  setLive(live: boolean): void;
  /** In DVR with its window source, or back to live (null). */
  setDvr(window: (() => DvrWindow | null) | null): void;
  readonly inDvr: boolean;
}

export function dvrControls(video: HTMLVideoElement, handlers: DvrHandlers): DvrControls {
  const strip = element('dvr');
  const seek = element('dvr-seek');
  const rewindButton = element<HTMLButtonElement>('dvr-rewind');
  const range = element<HTMLInputElement>('dvr-range');
  const behind = element('dvr-behind');
  const backButton = element<HTMLButtonElement>('dvr-back');
  let source: (() => DvrWindow | null) | null = null;
  let dragging = false;

  const seekTo = (position: number) => {
    const w = source?.();
    if (!w) return;
    video.currentTime = Math.min(Math.max(position, w.start), Math.max(w.start, w.edge - EDGE_MARGIN_SEC));
    render();
  };
  const seekBy = (deltaSec: number) => seekTo(video.currentTime + deltaSec);

  function render(): void {
    const w = source?.();
    if (!w) return;
    const behindSec = Math.max(0, w.edge - video.currentTime);
    range.min = String(Math.floor(w.start));
    range.max = String(Math.ceil(w.edge));
    if (!dragging) range.value = String(Math.round(video.currentTime));
    range.setAttribute('aria-valuetext', `${formatClock(video.currentTime - w.start)}, ${spokenBehind(behindSec)}`);
    behind.textContent = formatBehind(behindSec);
    behind.classList.toggle('at-edge', behindSec < 1);
    behind.dataset.behindSec = behindSec.toFixed(1);
  }

  rewindButton.onclick = () => handlers.rewind(SEEK_STEP_SEC);
  backButton.onclick = () => seekBy(-SEEK_STEP_SEC);
  element('dvr-forward').onclick = () => seekBy(SEEK_STEP_SEC);
  element('dvr-live').onclick = () => handlers.goLive();
  range.addEventListener('pointerdown', () => {
    dragging = true;
  });
  range.addEventListener('change', () => {
    dragging = false;
    seekTo(Number(range.value));
  });
  range.addEventListener('input', () => {
    // Keyboard steps seek at once; a drag seeks when it is let go (change).
    if (!dragging) seekTo(Number(range.value));
  });
  video.addEventListener('timeupdate', render);
  setInterval(render, 500);

  addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement | null;
    if (target?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return;
    if (strip.hidden) return;
    const key = event.key;
    if (key === 'ArrowLeft') {
      if (source) seekBy(-SEEK_STEP_SEC);
      else handlers.rewind(SEEK_STEP_SEC);
    } else if (key === 'ArrowRight' && source) {
      seekBy(SEEK_STEP_SEC);
    } else if ((key === 'l' || key === 'L') && source) {
      handlers.goLive();
    } else {
      return;
    }
    event.preventDefault();
  });

  return {
    setLive(live) {
      strip.hidden = !live && !source;
    },
    setDvr(next) {
      const focused = document.activeElement;
      source = next;
      seek.hidden = !next;
      rewindButton.hidden = Boolean(next);
      if (next) {
        strip.hidden = false;
        render();
      }
      // The button pressed has just been hidden: keep the keyboard user in the strip.
      if (next && focused === rewindButton) backButton.focus();
      if (!next && focused && seek.contains(focused)) rewindButton.focus();
    },
    get inDvr() {
      return source !== null;
    },
  };
}
