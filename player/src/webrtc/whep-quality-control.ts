/**
 * Quality for a WHEP viewer: the channel's video layers (the source and its transcoding rungs, as the SFU forwards
 * them) read from `GET <whep>/layers`, a pick sent as `PATCH <session> {"layer": id | null}`: the server switches
 * the viewer at the layer's next keyframe on the same track, so nothing is renegotiated and nothing is flushed.
 * What plays is read from the receiver's own stats (inbound-rtp frameHeight), once a second.
 */
import type { QualityControl, QualityState } from '../hls/quality-control.ts';
import { formatResolution, type QualityOption, qualityOptions } from '../hls/quality-levels.ts';

/** One layer as `GET /whep/<channel>/layers` lists it. */
export interface WhepLayer {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly bitrateKbps: number;
}

export interface WhepQualityOptions {
  readonly pc: RTCPeerConnection;
  /** The session resource (the WHEP POST's Location, absolute). */
  readonly sessionUrl: string;
  /** `GET` lists the channel's layers. */
  readonly layersUrl: string;
  /** How often the layer list is read again (rungs start after the source, restart, get shed); default 5 s. */
  readonly layersIntervalMs?: number;
  /** How often the received frame size is read; default 1 s. */
  readonly statsIntervalMs?: number;
}

/** The layers URL for a WHEP endpoint: `/whep/ch` → `/whep/ch/layers` (query dropped). */
export function whepLayersUrl(whepUrl: string, base: string): string {
  const url = new URL(whepUrl, base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/layers`;
  url.search = '';
  return url.href;
}

/** The video frame size the connection receives now, or null before the first frame. */
export async function receivedFrameSize(pc: RTCPeerConnection): Promise<{ width: number; height: number } | null> {
  let size: { width: number; height: number } | null = null;
  (await pc.getStats()).forEach((r: Record<string, unknown>) => {
    if (r.type === 'inbound-rtp' && r.kind === 'video' && Number(r.frameHeight) > 0) {
      size = { width: Number(r.frameWidth ?? 0), height: Number(r.frameHeight) };
    }
  });
  return size;
}

function isLayer(value: unknown): value is WhepLayer {
  const l = value as Partial<WhepLayer> | null;
  return (
    typeof l?.id === 'string' &&
    typeof l.width === 'number' &&
    typeof l.height === 'number' &&
    typeof l.bitrateKbps === 'number'
  );
}

/** At most this many layers are shown (the server caps a ladder at 8 rungs and the source). */
const MAX_LAYERS = 16;

export function whepQualityControl(options: WhepQualityOptions): QualityControl {
  const { pc, sessionUrl, layersUrl } = options;
  const listeners = new Set<(state: QualityState) => void>();
  let layers: WhepLayer[] = [];
  let qualityList: QualityOption[] = [];
  /** The layer the viewer pinned, or null for automatic. */
  let chosenId: string | null = null;
  let frame: { width: number; height: number } | null = null;
  let shown = '';
  let detached = false;
  /** Counts picks, so an older PATCH's failure does not undo a newer pick. */
  let pickSeq = 0;

  const playing = (): QualityOption | null => {
    if (!frame) return null;
    const { width, height } = frame;
    const index = layers.findIndex((l) => l.height === height && (l.width === width || width === 0));
    const byHeight = index >= 0 ? index : layers.findIndex((l) => l.height === height);
    const known = qualityList.find((o) => o.index === byHeight);
    if (known) return known;
    // A size no listed layer has (no ladder, a list not read yet): still say what plays.
    const resolution = formatResolution(width, height);
    return { index: -1, label: resolution, resolution, bitrate: '', source: false };
  };
  const state = (): QualityState => {
    const chosenIndex = chosenId === null ? -1 : layers.findIndex((l) => l.id === chosenId);
    return { options: qualityList, chosen: chosenIndex >= 0 ? chosenIndex : 'auto', playing: playing() };
  };
  const notify = (force = false) => {
    const now = state();
    const key = JSON.stringify([now.options.map((o) => o.label), now.chosen, now.playing?.label ?? null]);
    if (!force && key === shown) return;
    shown = key;
    for (const listener of listeners) {
      try {
        listener(now);
      } catch (error) {
        console.error('quality listener failed', error);
      }
    }
  };

  const readLayers = async () => {
    try {
      const res = await fetch(layersUrl, { cache: 'no-store' });
      if (!res.ok) throw new Error(`layers: HTTP ${res.status}`);
      const body = (await res.json()) as { layers?: unknown };
      const list = Array.isArray(body.layers) ? body.layers.filter(isLayer).slice(0, MAX_LAYERS) : [];
      if (detached) return;
      layers = list;
      qualityList = qualityOptions(
        list.map((l) => ({ width: l.width, height: l.height, bitrate: l.bitrateKbps * 1000 })),
      );
      notify();
    } catch (error) {
      // The menu keeps the last list; the next read may succeed.
      if (!detached) console.warn('could not read the WebRTC layers', error);
    }
  };
  const readFrame = async () => {
    if (pc.connectionState === 'closed') return;
    try {
      frame = await receivedFrameSize(pc);
      if (!detached) notify();
    } catch (error) {
      console.warn('could not read the WebRTC stats', error);
    }
  };
  const send = async (layer: string | null, seq: number, previous: string | null) => {
    try {
      const res = await fetch(sessionUrl, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ layer }),
      });
      if (res.status !== 204) throw new Error(`PATCH layer: HTTP ${res.status} ${await res.text()}`);
    } catch (error) {
      console.error('could not change the WebRTC layer', error);
      if (detached || seq !== pickSeq) return;
      chosenId = previous;
      notify();
      void readLayers();
    }
  };

  void readLayers();
  void readFrame();
  const layersTimer = setInterval(() => void readLayers(), options.layersIntervalMs ?? 5000);
  const statsTimer = setInterval(() => void readFrame(), options.statsIntervalMs ?? 1000);

  return {
    state,
    choose(choice) {
      const layer = choice === 'auto' ? null : layers[choice];
      if (choice !== 'auto' && !layer) throw new RangeError(`no WebRTC layer ${choice}`);
      const previous = chosenId;
      chosenId = layer ? layer.id : null;
      pickSeq += 1;
      void send(chosenId, pickSeq, previous);
      notify(true);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    detach() {
      detached = true;
      clearInterval(layersTimer);
      clearInterval(statsTimer);
      listeners.clear();
    },
  };
}
