/**
 * Stage stamps taken inside a Glint running in the benchmark's process, for one channel's video:
 * - ingested: the access unit reaches the stream hub (a reader attached to the live stream), keyed by pts90k;
 * - packaged: the LL-HLS part holding it is listed (the packager's change event: a new part's `trun` says how many
 *   access units, in decode order, it holds);
 * - delivered: the first HTTP response carrying that part has been written to its socket (any client);
 * - forwarded: the last RTP packet of a frame (marker bit) leaves for WebRTC viewers, keyed by RTP timestamp.
 * Each map is bounded (the oldest entries go first), so a long run keeps flat memory.
 */
import { type Glint, weriftOf } from '@glint/media-server';
import { readTrackRuns } from '../ingest/fmp4.ts';

const MAX_ENTRIES = 30 * 60 * 40;

export interface ServerTaps {
  /** pts90k → wall ms. */
  readonly ingested: ReadonlyMap<number, number>;
  readonly packaged: ReadonlyMap<number, number>;
  readonly delivered: ReadonlyMap<number, number>;
  /** RTP timestamp (32 bits) → wall ms. */
  readonly forwarded: ReadonlyMap<number, number>;
  /** Starts timing RTP forwarding (call once a WebRTC viewer is connected: the tap must not start the bridge). */
  tapForwarding(): void;
  stop(): void;
}

const wallMs = () => performance.timeOrigin + performance.now();

function bounded<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.has(key)) return;
  map.set(key, value);
  if (map.size > MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}

export function tapGlint(glint: Glint, channel: string): ServerTaps {
  const ingested = new Map<number, number>();
  const packaged = new Map<number, number>();
  const delivered = new Map<number, number>();
  const forwarded = new Map<number, number>();
  const partPts = new Map<string, number[]>();
  const detach: Array<() => void> = [];
  /** Access units not yet seen in a part, in decode order. */
  let queue: Array<{ pts90k: number; keyframe: boolean }> = [];
  let seenFirstPart = false;

  const watchOutput = () => {
    const output = glint.outputs.get(channel);
    if (!output) return;
    let nextPart = -1;
    detach.push(
      output.packager.onChange(() => {
        const video = output.packager.renditions.find((r) => r.kind === 'video');
        if (!video) return;
        if (nextPart < 0) nextPart = Math.max(0, video.nextPartId - 1);
        const now = wallMs();
        for (; nextPart < video.nextPartId; nextPart++) {
          const part = video.part(nextPart);
          if (!part) continue;
          if (!seenFirstPart) {
            // The packager starts at a keyframe: what came before it never reaches a part.
            const key = queue.findIndex((au) => au.keyframe);
            queue = key >= 0 ? queue.slice(key) : queue;
            seenFirstPart = true;
          }
          const count = readTrackRuns(part.bytes)[0]?.samples ?? 0;
          const held = queue.splice(0, count).map((au) => au.pts90k);
          for (const pts of held) bounded(packaged, pts, now);
          bounded(partPts, part.uri.split('/').pop() ?? part.uri, held);
        }
      }),
    );
  };

  const attach = () => {
    const stream = glint.hub.get(channel);
    if (!stream) return;
    queue = [];
    seenFirstPart = false;
    detach.push(
      stream.attach({
        onEvent: (event) => {
          if (event.kind !== 'video') return;
          bounded(ingested, event.au.pts90k, wallMs());
          queue.push({ pts90k: event.au.pts90k, keyframe: event.au.keyframe });
          if (queue.length > 600) queue.splice(0, queue.length - 600);
        },
        onEnd: () => {},
      }),
    );
    watchOutput();
  };
  detach.push(glint.hub.onStreamStart((stream) => stream.channelId === channel && attach()));
  attach();

  const server = glint.http.server;
  const onRequest = (req: { url?: string }, res: { once(event: 'finish', cb: () => void): void }) => {
    const name = (req.url ?? '').split('?')[0]?.split('/').pop() ?? '';
    if (!name.endsWith('.m4s')) return;
    res.once('finish', () => {
      const now = wallMs();
      for (const pts of partPts.get(name) ?? []) bounded(delivered, pts, now);
    });
  };
  server.prependListener('request', onRequest);
  detach.push(() => server.off('request', onRequest));

  return {
    ingested,
    packaged,
    delivered,
    forwarded,
    tapForwarding() {
      const source = weriftOf(glint.sfu).source(channel);
      if (!source) return;
      detach.push(
        source.onRtp('video', (packet) => {
          if (packet.length < 12 || ((packet[1] ?? 0) & 0x80) === 0) return;
          bounded(forwarded, packet.readUInt32BE(4), wallMs());
        }),
      );
    },
    stop() {
      for (const d of detach.splice(0)) d();
    },
  };
}
