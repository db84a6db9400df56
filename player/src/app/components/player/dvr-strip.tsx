/**
 * The DVR strip under the video: "Rewind" while live; in the DVR a seek bar over the broadcast so far, the time
 * behind the DVR playlist's edge ("−0:20"), ±10 s and "Go live"; and the clip button. The keys (← → L) are the
 * player's shortcuts (use-player-shortcuts.ts), which call the same actions.
 */
import { useEffect, useRef, useState } from 'react';
import { formatBehind, formatClock, spokenBehind } from '../../../pages/shared/format.ts';
import type { DvrWindow, LiveEngine } from './live-engine.ts';

export const SEEK_STEP_SEC = 10;
/** Seeking forward stops this far before the edge, where the next segment is not listed yet. */
const EDGE_MARGIN_SEC = 1;
const REDRAW_MS = 500;

/** Moves the DVR playhead to `position`, kept inside the window. */
export function dvrSeekTo(engine: LiveEngine, video: HTMLVideoElement, position: number): void {
  const w = engine.dvrWindow();
  if (!w) return;
  video.currentTime = Math.min(Math.max(position, w.start), Math.max(w.start, w.edge - EDGE_MARGIN_SEC));
}

interface View {
  readonly window: DvrWindow;
  readonly current: number;
}

export interface DvrStripProps {
  readonly engine: LiveEngine;
  readonly video: HTMLVideoElement;
  readonly inDvr: boolean;
  readonly canRewind: boolean;
  readonly clipBusy: boolean;
  readonly onClip: () => void;
}

export function DvrStrip({ engine, video, inDvr, canRewind, clipBusy, onClip }: DvrStripProps) {
  const [view, setView] = useState<View | null>(null);
  const [dragValue, setDragValue] = useState<number | null>(null);
  const dragging = useRef(false);
  const rangeRef = useRef<HTMLInputElement>(null);
  const rewindRef = useRef<HTMLButtonElement>(null);
  const backRef = useRef<HTMLButtonElement>(null);
  /** A button pressed in the strip is about to be hidden: where the keyboard user's focus goes instead. */
  const focusNext = useRef<'back' | 'rewind' | null>(null);

  useEffect(() => {
    if (!inDvr) {
      setView(null);
      return;
    }
    const update = () => {
      const window = engine.dvrWindow();
      if (window) setView({ window, current: video.currentTime });
    };
    update();
    const timer = setInterval(update, REDRAW_MS);
    video.addEventListener('timeupdate', update);
    return () => {
      clearInterval(timer);
      video.removeEventListener('timeupdate', update);
    };
  }, [engine, video, inDvr]);

  useEffect(() => {
    const want = focusNext.current;
    focusNext.current = null;
    if (want === 'back' && inDvr) backRef.current?.focus();
    if (want === 'rewind' && !inDvr) rewindRef.current?.focus();
  }, [inDvr]);

  // A drag seeks when it is let go (the native change event); keyboard steps seek at once (input).
  useEffect(() => {
    const range = rangeRef.current;
    if (!range) return;
    const onChange = () => {
      dragging.current = false;
      setDragValue(null);
      dvrSeekTo(engine, video, Number(range.value));
    };
    range.addEventListener('change', onChange);
    return () => range.removeEventListener('change', onChange);
  }, [engine, video]);

  const seekBy = (deltaSec: number) => dvrSeekTo(engine, video, video.currentTime + deltaSec);
  const focusInStrip = (next: 'back' | 'rewind') => {
    if (document.activeElement instanceof HTMLElement && document.activeElement.closest('#dvr'))
      focusNext.current = next;
  };

  const behindSec = view ? Math.max(0, view.window.edge - view.current) : 0;
  const position = dragValue ?? Math.round(view?.current ?? 0);
  return (
    <fieldset className="dvr" id="dvr" hidden={!canRewind && !inDvr}>
      <legend className="visually-hidden">Rewind, live position and clips</legend>
      <button
        ref={rewindRef}
        id="dvr-rewind"
        type="button"
        className="secondary"
        aria-keyshortcuts="ArrowLeft"
        hidden={inDvr}
        onClick={() => {
          focusInStrip('back');
          void engine.rewind(SEEK_STEP_SEC);
        }}
      >
        Rewind 10 s
      </button>
      <div className="dvr-seek" id="dvr-seek" hidden={!inDvr}>
        <button
          ref={backRef}
          id="dvr-back"
          type="button"
          className="secondary"
          aria-keyshortcuts="ArrowLeft"
          aria-label="Back 10 seconds"
          onClick={() => seekBy(-SEEK_STEP_SEC)}
        >
          −10 s
        </button>
        <input
          ref={rangeRef}
          id="dvr-range"
          type="range"
          min={view ? Math.floor(view.window.start) : 0}
          max={view ? Math.ceil(view.window.edge) : 0}
          step={1}
          value={position}
          aria-label="Position in the broadcast"
          aria-valuetext={view ? `${formatClock(view.current - view.window.start)}, ${spokenBehind(behindSec)}` : ''}
          onPointerDown={() => {
            dragging.current = true;
          }}
          onChange={(event) => {
            const value = Number(event.target.value);
            if (dragging.current) setDragValue(value);
            else dvrSeekTo(engine, video, value);
          }}
        />
        <span
          id="dvr-behind"
          aria-hidden="true"
          className={behindSec < 1 ? 'at-edge' : undefined}
          data-behind-sec={behindSec.toFixed(1)}
        >
          {formatBehind(behindSec)}
        </span>
        <button
          id="dvr-forward"
          type="button"
          className="secondary"
          aria-keyshortcuts="ArrowRight"
          aria-label="Forward 10 seconds"
          onClick={() => seekBy(SEEK_STEP_SEC)}
        >
          +10 s
        </button>
        <button
          id="dvr-live"
          type="button"
          aria-keyshortcuts="L"
          onClick={() => {
            focusInStrip('rewind');
            engine.goLive();
          }}
        >
          Go live
        </button>
      </div>
      <button id="clip" type="button" aria-describedby="clip-status" disabled={clipBusy} onClick={onClip}>
        {inDvr ? 'Clip 30 s to here' : 'Clip last 30 s'}
      </button>
    </fieldset>
  );
}
