import { LadderError } from './errors.ts';
import type { RungSpec } from './types.ts';

/** What GLINT_LADDER defaults to: three rungs under a 1080p source. */
export const DEFAULT_LADDER_SPEC = '720p30:2500,480p30:1200,360p30:700';
/** More rungs than this is a typo, not a ladder (each costs an encoder). */
export const MAX_RUNGS = 8;

const ITEM = /^(\d{2,4})p(\d{1,3})?:(\d{2,6})$/;

function invalid(message: string): LadderError {
  return new LadderError('INVALID_LADDER_SPEC', message);
}

/** Checks one rung's values; the list check adds the order and duplicates. */
function checkRung(rung: RungSpec, where: string): RungSpec {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(rung.name))
    throw invalid(`${where}: name "${rung.name}" must be letters, digits, _ or -`);
  if (!Number.isInteger(rung.height) || rung.height < 32 || rung.height > 4320 || rung.height % 2 !== 0) {
    throw invalid(`${where}: height ${rung.height} must be an even integer from 32 to 4320`);
  }
  if (!Number.isFinite(rung.fps) || rung.fps < 1 || rung.fps > 120)
    throw invalid(`${where}: fps ${rung.fps} must be 1 to 120`);
  if (!Number.isInteger(rung.bitrateKbps) || rung.bitrateKbps < 50 || rung.bitrateKbps > 100_000) {
    throw invalid(`${where}: bitrate ${rung.bitrateKbps} kbit/s must be an integer from 50 to 100000`);
  }
  return rung;
}

function checkList(rungs: RungSpec[]): RungSpec[] {
  if (rungs.length > MAX_RUNGS) throw invalid(`${rungs.length} rungs; at most ${MAX_RUNGS}`);
  const names = new Set<string>();
  for (const r of rungs) {
    if (names.has(r.name)) throw invalid(`rung "${r.name}" is listed twice`);
    names.add(r.name);
  }
  return rungs.sort((a, b) => b.height - a.height || b.bitrateKbps - a.bitrateKbps);
}

/**
 * `720p30:2500,480p30:1200` (height, optional fps (default 30), kbit/s per rung) or `source` (no rungs: the source
 * alone). Rungs come back highest first.
 */
export function parseLadderSpec(text: string): RungSpec[] {
  const trimmed = text.trim();
  if (trimmed === 'source') return [];
  if (trimmed === '') throw invalid('empty ladder; write `source` for none');
  const rungs = trimmed.split(',').map((raw, i) => {
    const item = raw.trim();
    const m = ITEM.exec(item);
    if (!m) throw invalid(`item ${i + 1} "${item}" is not <height>p[<fps>]:<kbit/s>, e.g. 480p30:1200`);
    const height = Number(m[1]);
    return checkRung(
      { name: `${height}p`, height, fps: m[2] === undefined ? 30 : Number(m[2]), bitrateKbps: Number(m[3]) },
      `item ${i + 1} "${item}"`,
    );
  });
  return checkList(rungs);
}

/** The same rungs as JSON: `[{ "name": "720p", "height": 720, "fps": 30, "bitrateKbps": 2500 }, …]`. */
export function parseLadderJson(json: unknown): RungSpec[] {
  if (!Array.isArray(json)) throw invalid('a ladder file holds a JSON array of rungs');
  return checkList(
    json.map((item: unknown, i) => {
      const r = (item ?? {}) as Partial<Record<keyof RungSpec, unknown>>;
      const height = Number(r.height);
      const rung = {
        name: typeof r.name === 'string' ? r.name : `${height}p`,
        height,
        fps: r.fps === undefined ? 30 : Number(r.fps),
        bitrateKbps: Number(r.bitrateKbps),
      };
      return checkRung(rung, `rung ${i + 1}`);
    }),
  );
}

/** A rung fitted to one source: its width (the source's aspect, even) and whether its frame rate is lowered. */
export interface PlannedRung extends RungSpec {
  readonly width: number;
  /** True when the source is faster than the rung's fps, so frames are dropped to it. */
  readonly reduceFps: boolean;
}

export interface SourceVideo {
  readonly width: number;
  readonly height: number;
  /** From the SPS's VUI, when it says. */
  readonly fps?: number | undefined;
}

/** The rungs to make for `source`: those below its height (the source itself is the top variant), highest first. */
export function planLadder(spec: readonly RungSpec[], source: SourceVideo): PlannedRung[] {
  return spec
    .filter((r) => r.height < source.height)
    .map((r) => ({
      ...r,
      width: Math.max(2, 2 * Math.round((source.width * r.height) / source.height / 2)),
      reduceFps: source.fps !== undefined && source.fps > r.fps + 0.01,
    }))
    .sort((a, b) => b.height - a.height);
}
