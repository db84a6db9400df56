/** The bar under the video: play, sound, quality, LL-HLS or WebRTC, theatre and fullscreen. */
import type { PlayerState, PlayMode } from './live-engine.ts';
import { FullscreenIcon, PauseIcon, PlayIcon, TheatreIcon, VolumeIcon } from './player-icons.tsx';
import { QualityMenu } from './quality-menu.tsx';
import type { VideoControls } from './use-video-controls.ts';

export interface PlayerBarProps {
  readonly state: PlayerState;
  readonly controls: VideoControls;
  readonly theatre: boolean;
  readonly fullscreen: boolean;
  onMode(mode: PlayMode): void;
  onTheatre(): void;
  onFullscreen(): void;
}

const MODES: ReadonlyArray<{ mode: PlayMode; label: string; title: string }> = [
  { mode: 'llhls', label: 'LL-HLS', title: 'Low-latency HLS: a few seconds behind, rewind and every quality' },
  { mode: 'webrtc', label: 'WebRTC', title: 'WebRTC: under a second behind' },
];

export function PlayerBar({ state, controls, theatre, fullscreen, onMode, onTheatre, onFullscreen }: PlayerBarProps) {
  const { paused, muted, volume } = controls;
  const shownVolume = muted ? 0 : volume;
  return (
    <div className="player-bar">
      <div className="bar-group">
        <button
          id="play-pause"
          type="button"
          className="icon-button"
          aria-label={paused ? 'Play' : 'Pause'}
          aria-keyshortcuts="k"
          onClick={controls.togglePause}
        >
          {paused ? <PlayIcon /> : <PauseIcon />}
        </button>
        <button
          id="mute"
          type="button"
          className="icon-button"
          aria-label="Mute"
          aria-pressed={muted}
          aria-keyshortcuts="m"
          onClick={controls.toggleMute}
        >
          <VolumeIcon muted={muted} />
        </button>
        <input
          id="volume"
          className="volume"
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={shownVolume}
          aria-label="Volume"
          aria-valuetext={`${Math.round(shownVolume * 100)}%`}
          onChange={(event) => controls.setVolume(Number(event.target.value))}
        />
      </div>
      <div className="bar-group quality">
        <QualityMenu control={state.quality} />
      </div>
      <div className="bar-group">
        {/* biome-ignore lint/a11y/useSemanticElements: a group of toggle buttons, not a form's fieldset */}
        <div className="mode-switch" role="group" aria-label="Delivery">
          {MODES.map(({ mode, label, title }) => (
            <button
              key={mode}
              id={`mode-${mode}`}
              type="button"
              className="mode"
              title={title}
              aria-pressed={state.mode === mode && !state.inDvr}
              onClick={() => onMode(mode)}
            >
              {label}
            </button>
          ))}
        </div>
        <button
          id="theatre"
          type="button"
          className="icon-button wide-only"
          aria-label="Theatre mode"
          aria-pressed={theatre}
          aria-keyshortcuts="t"
          onClick={onTheatre}
        >
          <TheatreIcon />
        </button>
        <button
          id="fullscreen"
          type="button"
          className="icon-button"
          aria-label="Fullscreen"
          aria-pressed={fullscreen}
          aria-keyshortcuts="f"
          onClick={onFullscreen}
        >
          <FullscreenIcon on={fullscreen} />
        </button>
      </div>
    </div>
  );
}
