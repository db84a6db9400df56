/**
 * A channel's live player: the video with its status and latency badges, the bar (play, sound, quality, LL-HLS or
 * WebRTC, theatre, fullscreen), the DVR strip with the clip button, and the keyboard shortcuts. Element ids are the
 * ones the old watch page had (#video, #status, #latency, #quality, #dvr-*, #clip…): tests and benchmarks read them.
 */
import { type ReactNode, useCallback, useRef, useState } from 'react';
import { ClipStatus } from './clip-status.tsx';
import { DvrStrip, dvrSeekTo, SEEK_STEP_SEC } from './dvr-strip.tsx';
import type { PlayMode } from './live-engine.ts';
import { modeToUrl } from './play-mode.ts';
import { PlayerBar } from './player-bar.tsx';
import { useClipMaker } from './use-clip-maker.ts';
import { useFullscreen } from './use-fullscreen.ts';
import { useLiveEngine } from './use-live-engine.ts';
import { type ShortcutAction, usePlayerShortcuts } from './use-player-shortcuts.ts';
import { applyRememberedVolume, useVideoControls } from './use-video-controls.ts';
import './player.css';

const CLIP_SEC = 30;

export interface LivePlayerProps {
  readonly channel: string;
  /** For the video's label. */
  readonly displayName: string;
  /** The broadcast on air per the platform: its id, null when offline, undefined while not known. */
  readonly broadcastId: string | null | undefined;
  readonly theatre: boolean;
  readonly onTheatre: () => void;
  /** The channel's VODs or clips may have changed (a clip made, a broadcast archived). */
  readonly onListsChanged: () => void;
  /** Shown over the video while the channel is offline. */
  readonly offline: ReactNode;
}

export function LivePlayer(props: LivePlayerProps) {
  const { channel, displayName, broadcastId, theatre, onTheatre, onListsChanged } = props;
  const stageRef = useRef<HTMLDivElement>(null);
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const videoRef = useCallback((node: HTMLVideoElement | null) => {
    if (node) applyRememberedVolume(node);
    setVideo(node);
  }, []);
  const { engine, state } = useLiveEngine(video, { channel, broadcastId, onDvrStarted: onListsChanged });
  const controls = useVideoControls(video, engine);
  const [fullscreen, toggleFullscreen] = useFullscreen(stageRef);
  const clips = useClipMaker();

  const chooseMode = (mode: PlayMode) => {
    engine?.setMode(mode);
    modeToUrl(mode);
  };

  const makeClip = async () => {
    if (!engine || !video) return;
    // Live: the last 30 s of the stream; rewound: the 30 s up to what the viewer is watching.
    const endSec = Math.max(5, Math.round(video.currentTime * 10) / 10);
    const request = state.inDvr
      ? { broadcastId: engine.dvrBroadcastId, startSec: Math.max(0, endSec - CLIP_SEC), endSec }
      : { channel, seconds: CLIP_SEC };
    if (await clips.make(request)) onListsChanged();
  };

  usePlayerShortcuts((action: ShortcutAction) => {
    if (!engine || !video) return false;
    switch (action) {
      case 'pause':
        controls.togglePause();
        return true;
      case 'mute':
        controls.toggleMute();
        return true;
      case 'fullscreen':
        toggleFullscreen();
        return true;
      case 'theatre':
        onTheatre();
        return true;
      case 'back':
        if (state.inDvr) dvrSeekTo(engine, video, video.currentTime - SEEK_STEP_SEC);
        else if (state.canRewind) void engine.rewind(SEEK_STEP_SEC);
        else return false;
        return true;
      case 'forward':
        if (!state.inDvr) return false;
        dvrSeekTo(engine, video, video.currentTime + SEEK_STEP_SEC);
        return true;
      case 'live':
        if (!state.inDvr) return false;
        engine.goLive();
        return true;
    }
  });

  const live = state.phase === 'live';
  const offline = state.phase === 'offline';
  return (
    <section className="player" aria-label={`${displayName} player`}>
      <div ref={stageRef} className={`stage${fullscreen ? ' is-fullscreen' : ''}`}>
        <div className="video-box">
          {/* biome-ignore lint/a11y/useMediaCaption: a live stream has no caption track to offer */}
          <video
            ref={videoRef}
            id="video"
            playsInline
            aria-label={`${displayName} live video`}
            onClick={controls.togglePause}
            onDoubleClick={toggleFullscreen}
          />
          <div className="stage-badges">
            <span id="status" role="status" className={`badge${live ? ' live' : ''}${offline ? ' offline' : ''}`}>
              {state.status}
            </span>
            <span
              className="badge latency-badge"
              title={`latency (${state.latencyKind || 'not measured yet'})`}
              hidden={state.inDvr}
            >
              latency{' '}
              <strong id="latency">{state.latencySec === null ? '–' : `${state.latencySec.toFixed(2)} s`}</strong>
              <span id="latency-kind" className="visually-hidden">
                {state.latencyKind ? ` (${state.latencyKind})` : ''}
              </span>
            </span>
          </div>
          <button
            id="unmute"
            type="button"
            className="unmute"
            hidden={!state.autoMuted}
            onClick={() => engine?.unmute()}
          >
            Unmute
          </button>
          {offline && <div className="offline-panel">{props.offline}</div>}
        </div>
        <PlayerBar
          state={state}
          controls={controls}
          theatre={theatre}
          fullscreen={fullscreen}
          onMode={chooseMode}
          onTheatre={onTheatre}
          onFullscreen={toggleFullscreen}
        />
        {engine && video && (
          <DvrStrip
            engine={engine}
            video={video}
            inDvr={state.inDvr}
            canRewind={state.canRewind}
            clipBusy={clips.busy}
            onClip={() => void makeClip()}
          />
        )}
      </div>
      <ClipStatus progress={clips.progress} />
      {state.notice && (
        <p className="status-line notice" role="alert">
          {state.notice}
        </p>
      )}
    </section>
  );
}
