import type { MediaPlaylistModel, MultivariantModel, RenditionReportModel } from '../playlist/model.ts';
import type { Position } from '../rendition.ts';

/**
 * What `LlhlsHttp` serves from: one stream's renditions, where each stands, and its media by URI. A `LivePackager`
 * is one; a `ReplicaStream` (the same state copied into another process) is another.
 */
export interface LlhlsSource {
  /** The multivariant playlist can be written (every expected track and rung is there). */
  readonly ready: boolean;
  readonly renditions: readonly LlhlsTrack[];
  rendition(name: string): LlhlsTrack | undefined;
  renditionReports(name: string): RenditionReportModel[];
  multivariant(): MultivariantModel;
  /** Hears of new configs, parts and the end. */
  onChange(listener: () => void): () => void;
}

/** One rendition as the HTTP face sees it. */
export interface LlhlsTrack {
  readonly name: string;
  readonly kind: 'video' | 'audio';
  readonly uriFolder: string;
  readonly ended: boolean;
  readonly position: Position;
  readonly lastCompleteMsn: number;
  readonly nextPartId: number;
  readonly targetDurationSec: number;
  readonly init: { readonly uri: string } | null;
  part(id: number): { readonly bytes: Uint8Array } | undefined;
  segment(msn: number): { readonly bytes: Uint8Array } | undefined;
  initByUri(uri: string): Uint8Array | undefined;
  model(reports: readonly RenditionReportModel[]): MediaPlaylistModel;
}
