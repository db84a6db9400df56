/** What the live player shows, as its engine (live-engine.ts) reports it. */
import type { QualityControl } from '../../../hls/quality-control.ts';

export type PlayMode = 'llhls' | 'webrtc';

export type PlayerPhase =
  /** Starting a player. */
  | 'connecting'
  /** On air and playing (or about to: the manifest is in, or WebRTC connected). */
  | 'live'
  /** The stream is not there yet, or the player failed: trying again every few seconds. */
  | 'retrying'
  /** The live playlist ended (ENDLIST): the last seconds play out, then the platform says offline. */
  | 'ended'
  /** The platform says the channel is not live: nothing plays until it is. */
  | 'offline'
  /** Playing the broadcast's archive, behind the live edge. */
  | 'rewound';

export interface PlayerState {
  readonly mode: PlayMode;
  readonly phase: PlayerPhase;
  /** The status line: "LIVE", "connecting…", "offline — waiting for the stream"… */
  readonly status: string;
  /** The latency the current path measures, or null before its first figure. */
  readonly latencySec: number | null;
  /** What that latency is made of. */
  readonly latencyKind: string;
  /** The renditions on offer (hls.js levels or the SFU's layers), or null with no player. */
  readonly quality: QualityControl | null;
  readonly inDvr: boolean;
  /** Rewind is offered: the stream was seen live and is not known to be offline since. */
  readonly canRewind: boolean;
  /** The browser refused to play with sound before the viewer interacted: playing muted, Unmute offered. */
  readonly autoMuted: boolean;
  /** The last problem with the DVR, for the viewer ('' for none). */
  readonly notice: string;
}

/** Where the playhead may go in the DVR playlist (seconds on the video's clock). */
export interface DvrWindow {
  readonly start: number;
  readonly edge: number;
}

/** A player that has not started yet. */
export function initialPlayerState(mode: PlayMode): PlayerState {
  return {
    mode,
    phase: 'connecting',
    status: 'connecting…',
    latencySec: null,
    latencyKind: '',
    quality: null,
    inDvr: false,
    canRewind: false,
    autoMuted: false,
    notice: '',
  };
}
