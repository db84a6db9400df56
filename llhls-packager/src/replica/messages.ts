import type { MediaPlaylistModel, MultivariantModel, RenditionReportModel } from '../playlist/model.ts';
import type { Position } from '../rendition.ts';

/**
 * A stream's LL-HLS state as plain data (structured-clone safe: numbers, strings, arrays, byte arrays), so another
 * process can serve it: a `ReplicaFeed` writes these, a `ReplicaStream` reads them.
 */
export interface ReplicaUpdate {
  readonly ready: boolean;
  /** The multivariant model once `ready`. */
  readonly multivariant: MultivariantModel | null;
  /** Every rendition the stream has now, in its order; a replica drops the others. */
  readonly names: readonly string[];
  /** Rendition reports as seen from each rendition. */
  readonly reports: Readonly<Record<string, readonly RenditionReportModel[]>>;
  /** The renditions that changed since the previous update (every one in a snapshot). */
  readonly tracks: readonly ReplicaTrackUpdate[];
}

export interface ReplicaTrackUpdate {
  readonly name: string;
  readonly kind: 'video' | 'audio';
  readonly uriFolder: string;
  /** This track starts afresh: first sight of it, or a rendition that replaced one of the same name. */
  readonly reset: boolean;
  readonly ended: boolean;
  readonly position: Position;
  readonly lastCompleteMsn: number;
  readonly nextPartId: number;
  readonly firstHeldPartId: number;
  readonly targetDurationSec: number;
  readonly initUri: string | null;
  /** The playlist model without media bytes or rendition reports. */
  readonly model: MediaPlaylistModel;
  /** Init segments, parts and (in a reset) complete segments the replica has not had. */
  readonly inits: readonly { readonly uri: string; readonly bytes: Uint8Array }[];
  readonly parts: readonly { readonly id: number; readonly bytes: Uint8Array }[];
  readonly segments: readonly { readonly msn: number; readonly bytes: Uint8Array }[];
}
