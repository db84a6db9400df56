import { Listeners } from '@glint/media-core';
import type { MediaPlaylistModel, MultivariantModel, RenditionReportModel } from '../playlist/model.ts';
import type { Position } from '../rendition.ts';
import type { LlhlsSource, LlhlsTrack } from '../server/source.ts';
import type { ReplicaTrackUpdate, ReplicaUpdate } from './messages.ts';

/**
 * A packager's state rebuilt from `ReplicaUpdate`s, served by an `LlhlsHttp` like the packager itself: the same
 * playlists byte for byte and the same media under the same URIs, holding no more than the packager holds.
 */
export class ReplicaStream implements LlhlsSource {
  readonly #listeners = new Listeners('replica stream');
  #tracks: ReplicaTrack[] = [];
  #ready = false;
  #multivariant: MultivariantModel | null = null;
  #reports: Readonly<Record<string, readonly RenditionReportModel[]>> = {};

  get ready(): boolean {
    return this.#ready;
  }

  get renditions(): readonly ReplicaTrack[] {
    return this.#tracks;
  }

  rendition(name: string): ReplicaTrack | undefined {
    return this.#tracks.find((t) => t.name === name);
  }

  renditionReports(name: string): RenditionReportModel[] {
    return [...(this.#reports[name] ?? [])];
  }

  multivariant(): MultivariantModel {
    if (!this.#multivariant) throw new Error('the stream is not ready: no multivariant playlist yet');
    return this.#multivariant;
  }

  onChange(listener: () => void): () => void {
    return this.#listeners.add(listener);
  }

  /** Applies one update (a snapshot or what changed) and tells the HTTP face. */
  apply(update: ReplicaUpdate): void {
    const byName = new Map(this.#tracks.map((t) => [t.name, t]));
    for (const change of update.tracks) {
      const known = byName.get(change.name);
      const track = known && !change.reset ? known : new ReplicaTrack(change);
      track.apply(change);
      byName.set(change.name, track);
    }
    this.#tracks = update.names.flatMap((name) => byName.get(name) ?? []);
    this.#ready = update.ready;
    this.#multivariant = update.multivariant;
    this.#reports = update.reports;
    this.#listeners.emit();
  }

  /** Media bytes held, for bounds checks. */
  get heldBytes(): number {
    return this.#tracks.reduce((n, t) => n + t.heldBytes, 0);
  }
}

export class ReplicaTrack implements LlhlsTrack {
  readonly name: string;
  readonly kind: 'video' | 'audio';
  readonly uriFolder: string;
  #state: ReplicaTrackUpdate;
  readonly #parts = new Map<number, Uint8Array>();
  readonly #segments = new Map<number, Uint8Array>();
  readonly #inits = new Map<string, Uint8Array>();

  constructor(first: ReplicaTrackUpdate) {
    this.name = first.name;
    this.kind = first.kind;
    this.uriFolder = first.uriFolder;
    this.#state = first;
  }

  get ended(): boolean {
    return this.#state.ended;
  }
  get position(): Position {
    return this.#state.position;
  }
  get lastCompleteMsn(): number {
    return this.#state.lastCompleteMsn;
  }
  get nextPartId(): number {
    return this.#state.nextPartId;
  }
  get targetDurationSec(): number {
    return this.#state.targetDurationSec;
  }
  get init(): { readonly uri: string } | null {
    const uri = this.#state.initUri;
    return uri === null ? null : { uri };
  }

  part(id: number): { readonly bytes: Uint8Array } | undefined {
    const bytes = this.#parts.get(id);
    return bytes && { bytes };
  }

  segment(msn: number): { readonly bytes: Uint8Array } | undefined {
    const bytes = this.#segments.get(msn);
    return bytes && { bytes };
  }

  initByUri(uri: string): Uint8Array | undefined {
    return this.#inits.get(uri);
  }

  model(reports: readonly RenditionReportModel[]): MediaPlaylistModel {
    return { ...this.#state.model, renditionReports: reports };
  }

  /** Media bytes held, as the packager counts them: complete segments, and the open segment's parts (the parts of
   * complete segments are views into those). */
  get heldBytes(): number {
    let n = 0;
    for (const b of this.#segments.values()) n += b.byteLength;
    const open = this.#state.nextPartId - (this.#state.model.current?.parts.length ?? 0);
    for (const [id, b] of this.#parts) if (id >= open) n += b.byteLength;
    return n;
  }

  apply(update: ReplicaTrackUpdate): void {
    const previous = this.#state;
    this.#state = update;
    for (const { uri, bytes } of update.inits) this.#inits.set(uri, bytes);
    for (const { id, bytes } of update.parts) this.#parts.set(id, bytes);
    for (const { msn, bytes } of update.segments) this.#segments.set(msn, bytes);
    // Segments completed since the previous update are their parts' bytes, which came with earlier updates.
    const model = update.model;
    for (const segment of model.segments) {
      if (segment.gap || this.#segments.has(segment.msn) || segment.msn <= previous.lastCompleteMsn) continue;
      this.#completeSegment(segment.msn, segment.parts.length, update);
    }
    this.#prune(model, update);
  }

  /** The segment's parts are the last `count` parts up to the first part of the segment after it. */
  #completeSegment(msn: number, count: number, update: ReplicaTrackUpdate): void {
    const ids = partIdsOf(update, msn, count);
    const bytes = ids?.map((id) => this.#parts.get(id));
    // A part missing (it left the window before this replica saw it): the segment is not served here.
    if (!bytes || bytes.some((b) => b === undefined)) return;
    const segment = Buffer.concat(bytes as Uint8Array[]);
    this.#segments.set(msn, segment);
    let offset = 0;
    for (const [i, id] of ids?.entries() ?? []) {
      const length = bytes[i]?.byteLength ?? 0;
      // The parts become views into the segment, as in the packager: held once.
      this.#parts.set(id, segment.subarray(offset, offset + length));
      offset += length;
    }
  }

  #prune(model: MediaPlaylistModel, update: ReplicaTrackUpdate): void {
    for (const id of this.#parts.keys()) if (id < update.firstHeldPartId) this.#parts.delete(id);
    const inWindow = new Set(model.segments.map((s) => s.msn));
    for (const msn of this.#segments.keys()) if (!inWindow.has(msn)) this.#segments.delete(msn);
    const inits = new Set(model.segments.map((s) => s.mapUri));
    if (model.current) inits.add(model.current.mapUri);
    if (update.initUri) inits.add(update.initUri);
    for (const uri of this.#inits.keys()) if (!inits.has(uri)) this.#inits.delete(uri);
  }
}

/**
 * Part ids of a complete segment: parts are numbered in order across segments, so a segment's are the ids just
 * below the first id of the segments and open segment after it. Undefined when the model no longer lists them.
 */
function partIdsOf(update: ReplicaTrackUpdate, msn: number, count: number): number[] | undefined {
  const model = update.model;
  let next = update.nextPartId - (model.current?.parts.length ?? 0);
  for (let i = model.segments.length - 1; i >= 0; i--) {
    const segment = model.segments[i];
    if (!segment) break;
    if (segment.msn === msn) return Array.from({ length: count }, (_, k) => next - count + k);
    if (segment.parts.length === 0 && !segment.gap) return undefined;
    next -= segment.parts.length;
  }
  return undefined;
}
