import { type RefObject, useEffect, useState } from 'react';

export interface VideoPosition {
  readonly currentSec: number;
  /** NaN until the player knows it; Infinity for a growing playlist. */
  readonly durationSec: number;
}

/** The video's position and length as they change (time updates, seeks, a new length). */
export function useVideoPosition(video: RefObject<HTMLVideoElement | null>, ready: boolean): VideoPosition {
  const [position, setPosition] = useState<VideoPosition>({ currentSec: 0, durationSec: Number.NaN });
  useEffect(() => {
    const element = video.current;
    if (!element || !ready) return;
    const read = () => setPosition({ currentSec: element.currentTime, durationSec: element.duration });
    const events = ['timeupdate', 'seeked', 'durationchange', 'loadedmetadata'] as const;
    for (const name of events) element.addEventListener(name, read);
    read();
    return () => {
      for (const name of events) element.removeEventListener(name, read);
    };
  }, [video, ready]);
  return position;
}
