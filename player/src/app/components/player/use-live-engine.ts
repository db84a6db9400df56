/**
 * One LiveEngine per channel and <video>, for as long as the player is shown: it starts at once (the first frame
 * should not wait for the channel's API answer), hears the platform's live state as it changes, is exposed as
 * `window.glintPlayer`, and stops when the page is hidden for good (pagehide) or the player goes away.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { LiveEngine } from './live-engine.ts';
import { modeFromUrl } from './play-mode.ts';
import { exposePlayer } from './player-globals.ts';
import { initialPlayerState, type PlayerState } from './player-state.ts';

export interface LiveEngineInput {
  readonly channel: string;
  /** The broadcast on air: its id, null when offline, undefined while not known. */
  readonly broadcastId: string | null | undefined;
  readonly onDvrStarted: () => void;
}

const IDLE = initialPlayerState('llhls');
const noSubscription = () => () => {};
const idleState = () => IDLE;

export function useLiveEngine(
  video: HTMLVideoElement | null,
  input: LiveEngineInput,
): { engine: LiveEngine | null; state: PlayerState } {
  const { channel, broadcastId } = input;
  const [engine, setEngine] = useState<LiveEngine | null>(null);
  const latest = useRef(input);
  useEffect(() => {
    latest.current = input;
  });

  useEffect(() => {
    if (!video) return;
    const created = new LiveEngine(video, {
      channel,
      mode: modeFromUrl(),
      onDvrStarted: () => latest.current.onDvrStarted(),
    });
    const known = latest.current.broadcastId;
    if (known !== undefined) created.channelLive(known);
    created.start();
    const unexpose = exposePlayer(created);
    const onHide = () => created.suspend();
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted) created.start();
    };
    addEventListener('pagehide', onHide);
    addEventListener('pageshow', onShow);
    setEngine(created);
    return () => {
      removeEventListener('pagehide', onHide);
      removeEventListener('pageshow', onShow);
      unexpose();
      created.destroy();
      setEngine(null);
    };
  }, [video, channel]);

  useEffect(() => {
    if (engine && broadcastId !== undefined) engine.channelLive(broadcastId);
  }, [engine, broadcastId]);

  const state = useSyncExternalStore(engine?.subscribe ?? noSubscription, engine?.getState ?? idleState);
  return { engine, state };
}
