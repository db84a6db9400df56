import { Listeners } from '@glint/media-core';
import type { LivePackager } from '../packager.ts';
import type { MediaPlaylistModel, SegmentModel } from '../playlist/model.ts';
import type { Rendition } from '../rendition.ts';
import type { ReplicaTrackUpdate, ReplicaUpdate } from './messages.ts';

interface Sent {
  readonly rendition: Rendition;
  /** Parts below this id, and the init segments named here, were in an update already. */
  nextPartId: number;
  readonly inits: Set<string>;
  signature: string;
}

/**
 * Writes a packager's state as `ReplicaUpdate`s: `snapshot()` for a replica that starts, then one update per burst of
 * changes (the changes of one ingest call coalesce), carrying each new part's bytes once. A replica completes
 * segments from the parts it has, so a part's bytes travel once.
 */
export class ReplicaFeed {
  readonly #packager: LivePackager;
  readonly #listeners = new Listeners<[ReplicaUpdate]>('replica feed');
  readonly #sent = new Map<string, Sent>();
  readonly #unsubscribe: () => void;
  #scheduled = false;
  #closed = false;

  constructor(packager: LivePackager) {
    this.#packager = packager;
    this.#unsubscribe = packager.onChange(() => this.#schedule());
  }

  /** The whole state, every byte a replica needs to serve what the packager serves now. */
  snapshot(): ReplicaUpdate {
    return this.#update(this.#packager.renditions.map((r) => this.#track(r, true, false)));
  }

  onUpdate(listener: (update: ReplicaUpdate) => void): () => void {
    return this.#listeners.add(listener);
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    this.#listeners.clear();
  }

  #schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (!this.#closed) this.#flush();
    });
  }

  #flush(): void {
    const renditions = this.#packager.renditions;
    const tracks: ReplicaTrackUpdate[] = [];
    for (const rendition of renditions) {
      const sent = this.#sent.get(rendition.name);
      const reset = sent?.rendition !== rendition;
      if (!reset && sent.signature === signature(rendition)) continue;
      tracks.push(this.#track(rendition, reset, true));
    }
    for (const name of this.#sent.keys()) if (!renditions.some((r) => r.name === name)) this.#sent.delete(name);
    this.#listeners.emit(this.#update(tracks));
  }

  #update(tracks: ReplicaTrackUpdate[]): ReplicaUpdate {
    const packager = this.#packager;
    const names = packager.renditions.map((r) => r.name);
    return {
      ready: packager.ready,
      multivariant: packager.ready ? packager.multivariant() : null,
      names,
      reports: Object.fromEntries(names.map((name) => [name, packager.renditionReports(name)])),
      tracks,
    };
  }

  /**
   * `full`: every byte held (a snapshot, or a rendition replicas have not seen); else what is new since the last
   * update. `record`: the update goes to every replica, so what it carries counts as sent (a snapshot goes to one).
   */
  #track(rendition: Rendition, full: boolean, record: boolean): ReplicaTrackUpdate {
    const previous = full ? undefined : this.#sent.get(rendition.name);
    const sent: Sent = previous ?? {
      rendition,
      nextPartId: rendition.firstHeldPartId,
      inits: new Set(),
      signature: '',
    };
    const model = rendition.model([]);
    const parts: { id: number; bytes: Uint8Array }[] = [];
    for (let id = Math.max(sent.nextPartId, rendition.firstHeldPartId); id < rendition.nextPartId; id++) {
      const part = rendition.part(id);
      if (part) parts.push({ id, bytes: part.bytes });
    }
    const inits: { uri: string; bytes: Uint8Array }[] = [];
    for (const uri of initUris(model, rendition.init?.uri)) {
      const bytes = rendition.initByUri(uri);
      if (bytes && !sent.inits.has(uri)) inits.push({ uri, bytes });
    }
    const segments = full
      ? model.segments.flatMap((s) => {
          const bytes = rendition.segment(s.msn)?.bytes;
          return bytes ? [{ msn: s.msn, bytes }] : [];
        })
      : [];
    if (record) {
      sent.nextPartId = rendition.nextPartId;
      for (const init of inits) sent.inits.add(init.uri);
      sent.signature = signature(rendition);
      this.#sent.set(rendition.name, sent);
    }
    return {
      name: rendition.name,
      kind: rendition.kind,
      uriFolder: rendition.uriFolder,
      reset: full || previous === undefined,
      ended: rendition.ended,
      position: rendition.position,
      lastCompleteMsn: rendition.lastCompleteMsn,
      nextPartId: rendition.nextPartId,
      firstHeldPartId: rendition.firstHeldPartId,
      targetDurationSec: rendition.targetDurationSec,
      initUri: rendition.init?.uri ?? null,
      model: withoutBytes(model),
      inits,
      parts,
      segments,
    };
  }
}

/** Changes whenever anything a playlist or a fetch would show changes. */
function signature(r: Rendition): string {
  const p = r.position;
  return `${r.nextPartId}|${r.lastCompleteMsn}|${r.firstMsn}|${p.msn}.${p.part}|${r.ended}|${r.init?.uri}|${r.targetDurationSec}`;
}

function initUris(model: MediaPlaylistModel, current: string | undefined): Set<string> {
  const uris = new Set(model.segments.map((s) => s.mapUri));
  if (model.current) uris.add(model.current.mapUri);
  if (current) uris.add(current);
  return uris;
}

/** The model as plain data: the packager's segments and parts carry their bytes, which travel separately. */
function withoutBytes(model: MediaPlaylistModel): MediaPlaylistModel {
  const part = (p: SegmentModel['parts'][number]) => ({
    uri: p.uri,
    durationSec: p.durationSec,
    independent: p.independent,
  });
  const current = model.current;
  return {
    ...model,
    segments: model.segments.map((s) => ({
      msn: s.msn,
      uri: s.uri,
      durationSec: s.durationSec,
      programDateTimeMs: s.programDateTimeMs,
      discontinuity: s.discontinuity,
      ...(s.gap ? { gap: true } : {}),
      mapUri: s.mapUri,
      parts: s.parts.map(part),
    })),
    current: current && { ...current, parts: current.parts.map(part) },
  };
}
