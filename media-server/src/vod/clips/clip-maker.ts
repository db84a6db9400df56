import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VodIndex, VodSegment } from '@glint/platform';
import type { MediaStore } from '../storage/types.ts';
import { ClipError } from './clip-error.ts';
import { type ClipPlan, type PlanSegment, type ProbedPacket, planClip } from './clip-plan.ts';
import {
  concatUrl,
  copyVideo,
  encodeAudio,
  encodeEdge,
  type JoinPiece,
  joinPieces,
  probeVideo,
  thumbnail,
  type VideoProbe,
} from './ffmpeg-steps.ts';

export interface MakeClipRequest {
  readonly clipId: string;
  readonly broadcastId: string;
  readonly startUs: number;
  readonly durationUs: number;
}

export interface MadeClip {
  readonly videoKey: string;
  readonly thumbnailKey: string;
  readonly bytes: number;
  readonly plan: ClipPlan;
  /** Wall time of each step, ms (for logs and the benchmark). */
  readonly stepsMs: Readonly<Record<string, number>>;
}

export interface ClipMakerOptions {
  readonly store: MediaStore;
  readonly index: VodIndex;
  /** Where work folders go (one per clip, always removed); the system's temp folder by default. */
  readonly tempDir?: string;
}

const AUDIO_MARGIN_US = 1_000_000;

export const clipVideoKey = (clipId: string) => `clips/${clipId}.mp4`;
export const clipThumbnailKey = (clipId: string) => `clips/${clipId}.jpg`;

/**
 * Makes a clip from archived segments: whole segments inside the range are copied, the frames of the edge segments
 * inside it are re-encoded, audio is encoded over the exact range; the pieces are joined into one MP4 in the store,
 * with a JPEG thumbnail. Runs one ffmpeg at a time.
 */
export class ClipMaker {
  readonly #options: ClipMakerOptions;

  constructor(options: ClipMakerOptions) {
    this.#options = options;
  }

  async make(request: MakeClipRequest): Promise<MadeClip> {
    const work = await mkdtemp(join(this.#options.tempDir ?? tmpdir(), 'glint-clip-'));
    try {
      return await this.#make(request, work);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  async #make(request: MakeClipRequest, work: string): Promise<MadeClip> {
    const { index, store } = this.#options;
    const stepsMs: Record<string, number> = {};
    const timed = async <T>(step: string, run: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await run();
      } finally {
        stepsMs[step] = Math.round(performance.now() - t0);
      }
    };
    const startUs = request.startUs;
    const endUs = request.startUs + request.durationUs;
    const video = (await index.segmentsInRange(request.broadcastId, 'video', startUs, endUs)).filter((s) => s.ok);
    if (video.length === 0) throw new ClipError('CLIP_SOURCE_MISSING', 'no archived video covers the asked range');

    const files = await timed('read', () => this.#writeSegments(video, work, 'v'));
    const groups = groupByInit(video);
    const planSegments: PlanSegment[] = [];
    const packets: ProbedPacket[] = [];
    let base = 0;
    const probes: VideoProbe[] = [];
    for (const group of groups) {
      const paths = [files.init(group[0]?.initKey ?? ''), ...group.map((s) => files.segment(s))];
      const probe = await timed(`probe${probes.length}`, () => probeVideo(concatUrl(paths)));
      probes.push(probe);
      let at = files.size(group[0]?.initKey ?? '');
      group.forEach((segment, i) => {
        const bytes = files.size(segment.key);
        planSegments.push({
          startUs: segment.startUs,
          durationUs: segment.durationUs,
          byteStart: base + at,
          byteEnd: base + at + bytes,
          breakBefore: i === 0 || segment.discontinuity,
        });
        at += bytes;
      });
      for (const p of probe.packets) packets.push({ ...p, pos: p.pos + base });
      base += at;
    }
    const plan = planClip(planSegments, packets, startUs, endUs);
    const probe = probes[0];
    if (probe === undefined) throw new ClipError('CLIP_SOURCE_BAD', 'the archived video could not be read');

    const pieces: JoinPiece[] = [];
    for (const [i, piece] of plan.pieces.entries()) {
      const output = join(work, `piece-${i}.ts`);
      if (piece.kind === 'encode') {
        const segment = video[piece.segment] as VodSegment;
        await timed(`encode${i}`, () =>
          encodeEdge({
            input: concatUrl([files.init(segment.initKey), files.segment(segment)]),
            output,
            startFrame: piece.startFrame,
            endFrame: piece.endFrame,
            probe,
            decodeDelayUs: plan.decodeDelayUs,
          }),
        );
      } else {
        const run = video.slice(piece.first, piece.last + 1);
        const input = concatUrl([files.init(run[0]?.initKey ?? ''), ...run.map((s) => files.segment(s))]);
        await timed(`copy${i}`, () => copyVideo(input, output));
      }
      pieces.push({ file: output, durationUs: piece.durationUs });
    }

    const audio = await timed('audio', () => this.#audio(request, plan, work));
    const clipFile = join(work, 'clip.mp4');
    await timed('join', () => joinPieces(pieces, audio, join(work, 'pieces.ffconcat'), clipFile));
    // The clip's first frame, an IDR: one frame decoded.
    const thumbFile = join(work, 'clip.jpg');
    await timed('thumbnail', () => thumbnail(clipFile, thumbFile, 0));

    const videoKey = clipVideoKey(request.clipId);
    const thumbnailKey = clipThumbnailKey(request.clipId);
    const bytes = await timed('store', async () => {
      const mp4 = await readFile(clipFile);
      await store.put(videoKey, mp4);
      await store.put(thumbnailKey, await readFile(thumbFile));
      return mp4.length;
    });
    return { videoKey, thumbnailKey, bytes, plan, stepsMs };
  }

  /**
   * The audio of the clip's range, or null when the broadcast has no archived audio there. Cut by the media clock the
   * video's frames were read on (audio shares it), so the clip keeps the broadcast's lip sync; a second of segments
   * more on each side, as audio segments do not end where video segments do.
   */
  async #audio(request: MakeClipRequest, plan: ClipPlan, work: string): Promise<string | null> {
    const fromUs = Math.max(0, request.startUs - AUDIO_MARGIN_US);
    const toUs = request.startUs + plan.durationUs + AUDIO_MARGIN_US;
    const all = await this.#options.index.segmentsInRange(request.broadcastId, 'audio', fromUs, toUs);
    const first = all[0];
    if (first === undefined) return null;
    // One init segment's worth (audio's format does not change within a broadcast in practice).
    const segments = all.filter((s) => s.ok && s.initKey === first.initKey);
    const files = await this.#writeSegments(segments, work, 'a');
    const input = concatUrl([files.init(first.initKey), ...segments.map((s) => files.segment(s))]);
    const output = join(work, 'audio.m4a');
    await encodeAudio(input, output, plan.firstPtsSec, plan.durationUs / 1e6);
    return output;
  }

  /** Copies segments and their init segments from the store into the work folder. */
  async #writeSegments(segments: readonly VodSegment[], work: string, prefix: string) {
    const { store } = this.#options;
    const sizes = new Map<string, number>();
    const names = new Map<string, string>();
    const fetch = async (key: string) => {
      if (names.has(key)) return;
      const bytes = await store.get(key);
      if (bytes === undefined)
        throw new ClipError('CLIP_SOURCE_MISSING', 'an archived segment of the range is missing');
      const name = join(work, `${prefix}${names.size}.mp4`);
      names.set(key, name);
      sizes.set(key, bytes.length);
      await writeFile(name, bytes);
    };
    for (const segment of segments) {
      await fetch(segment.initKey);
      await fetch(segment.key);
    }
    return {
      init: (key: string) => names.get(key) ?? '',
      segment: (segment: VodSegment) => names.get(segment.key) ?? '',
      size: (key: string) => sizes.get(key) ?? 0,
    };
  }
}

function groupByInit(segments: readonly VodSegment[]): VodSegment[][] {
  const groups: VodSegment[][] = [];
  for (const segment of segments) {
    const last = groups.at(-1);
    if (last?.[0]?.initKey === segment.initKey) last.push(segment);
    else groups.push([segment]);
  }
  return groups;
}
