/**
 * The <video>'s own state for the player bar (paused, volume, muted) and its actions; the volume and mute the viewer
 * sets are remembered (volume-memory.ts) and applied before the first play. A mute the browser forced (no sound
 * before the viewer interacted) is not remembered as the viewer's choice.
 */
import { useCallback, useEffect, useState } from 'react';
import type { LiveEngine } from './live-engine.ts';
import { readVolume, saveVolume, type VolumeSetting } from './volume-memory.ts';

export interface VideoControls {
  readonly paused: boolean;
  readonly volume: number;
  readonly muted: boolean;
  togglePause(): void;
  toggleMute(): void;
  setVolume(volume: number): void;
}

/** Applies the remembered volume to a new <video> (call before anything plays it). */
export function applyRememberedVolume(video: HTMLVideoElement): VolumeSetting {
  const setting = readVolume();
  video.volume = setting.volume;
  video.muted = setting.muted;
  return setting;
}

export function useVideoControls(video: HTMLVideoElement | null, engine: LiveEngine | null): VideoControls {
  const [paused, setPaused] = useState(true);
  const [sound, setSound] = useState<VolumeSetting>(() => readVolume());

  useEffect(() => {
    if (!video) return;
    const onPlayState = () => setPaused(video.paused);
    const onVolume = () => {
      const now = { volume: video.volume, muted: video.muted };
      setSound(now);
      if (!(video.muted && engine?.getState().autoMuted)) saveVolume(now);
    };
    onPlayState();
    setSound({ volume: video.volume, muted: video.muted });
    video.addEventListener('play', onPlayState);
    video.addEventListener('pause', onPlayState);
    // A player stopped (offline, a switch) empties the element, which pauses it without a pause event.
    video.addEventListener('emptied', onPlayState);
    video.addEventListener('volumechange', onVolume);
    return () => {
      video.removeEventListener('play', onPlayState);
      video.removeEventListener('pause', onPlayState);
      video.removeEventListener('emptied', onPlayState);
      video.removeEventListener('volumechange', onVolume);
    };
  }, [video, engine]);

  const togglePause = useCallback(() => {
    if (!video) return;
    if (video.paused) void video.play().catch(() => {});
    else video.pause();
  }, [video]);

  const toggleMute = useCallback(() => {
    if (!video) return;
    if (!video.muted) video.muted = true;
    else if (engine) engine.unmute();
    else video.muted = false;
  }, [video, engine]);

  const setVolume = useCallback(
    (volume: number) => {
      if (!video) return;
      video.volume = Math.min(1, Math.max(0, volume));
      if (volume > 0 && video.muted) {
        if (engine) engine.unmute();
        else video.muted = false;
      }
    },
    [video, engine],
  );

  return { paused, volume: sound.volume, muted: sound.muted, togglePause, toggleMute, setVolume };
}
