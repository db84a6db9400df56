/**
 * The drops: one viewer watches a channel with layers while its link is capped and uncapped, trial after trial.
 * Before each cap the viewer is on the source with an estimate over the source's rate (pinned there and given time
 * if the last lift left it lower), so every trial starts alike; at the cap the choice is automatic again (or stays
 * pinned, for the source-only peer). The server's side is read from the SFU in process every `pollMs`; the
 * viewer's from its page's getStats samples.
 */
import type { WeriftSfu } from '@glint/media-server';
import type { CappedLink } from './link.ts';
import type { LayerViewer, ViewerSample } from './viewer.ts';

/** `layers`: the selector as it is; `remb-loss`: the selector on REMB and loss alone, no queue, no trial up (as it was
 * before the queue signal); `source-only`: pinned to the source (the peer). */
export type Mode = 'layers' | 'remb-loss' | 'source-only';

export interface TrialPlan {
  readonly trials: number;
  readonly capKbps: number;
  readonly queueMs: number;
  readonly capMs: number;
  /** Time uncapped after each cap, watching for the way back up (layers) or the recovery (peer). */
  readonly liftMs: number;
  /** At most this long to get back on the source with a good estimate before a trial. */
  readonly readyTimeoutMs: number;
  readonly pollMs: number;
}

export interface ServerPoint {
  readonly atMs: number;
  readonly current: string | null;
  readonly target: string | null;
  readonly estimateKbps: number | null;
}

export interface Trial {
  readonly mode: Mode;
  readonly index: number;
  readonly capAtMs: number;
  readonly liftAtMs: number;
  /** Whether the trial started on the source with an estimate over its rate. */
  readonly cleanStart: boolean;
  /** From the cap: the estimate first under the source's rate, the server's switch, the viewer's lower picture. */
  readonly estimateDownMs: number | null;
  readonly serverDownMs: number | null;
  readonly viewerDownMs: number | null;
  readonly settledLayer: string | null;
  readonly layersVisited: readonly string[];
  /** Over the capped window: freezes, their seconds, frames decoded per second, frames dropped, packets lost. */
  readonly freezes: number;
  /** Time with no new frame decoded for over STALL_MS (getStats samples), and the longest such spell, s. */
  readonly stallS: number;
  readonly longestStallS: number;
  readonly freezeS: number;
  readonly freezesAfterSwitch: number;
  readonly fps: number;
  readonly framesDropped: number;
  readonly packetsLost: number;
  /** From the lift: the server back on the source, the viewer decoding it (null: not within liftMs). */
  readonly serverUpMs: number | null;
  readonly viewerUpMs: number | null;
  readonly liftFreezes: number;
}

export interface ModeRun {
  readonly mode: Mode;
  readonly trials: Trial[];
  readonly samples: ViewerSample[];
  readonly server: ServerPoint[];
  readonly sourceKbps: number;
  readonly sourceHeight: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A gap between decoded frames longer than this is a stall (Chromium's freeze needs a frame after it to count). */
const STALL_MS = 250;
/** Bounds what one mode keeps (a sample every 100 ms for ~10 minutes). */
const MAX_POINTS = 6000;

export async function runTrials(
  sfu: WeriftSfu,
  channel: string,
  link: CappedLink,
  viewer: LayerViewer,
  mode: Mode,
  plan: TrialPlan,
  onProgress: (text: string) => void,
): Promise<ModeRun> {
  const samples: ViewerSample[] = [];
  const server: ServerPoint[] = [];
  const source = sfu.videoLayers(channel).find((l) => l.id === 'source');
  if (!source) throw new Error(`channel ${channel} has no source layer`);
  const sourceKbps = source.bitrateKbps;
  const sourceHeight = source.height;
  const poll = setInterval(() => {
    const l = sfu.viewerLayer(viewer.sessionId);
    if (!l) return;
    if (server.length >= MAX_POINTS) server.shift();
    server.push({ atMs: Date.now(), current: l.current, target: l.target, estimateKbps: l.estimateKbps });
  }, plan.pollMs);
  const drain = async () => {
    for (const s of await viewer.drain()) {
      if (samples.length >= MAX_POINTS) samples.shift();
      samples.push(s);
    }
  };
  const wait = async (ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      await sleep(Math.min(500, end - Date.now()));
      await drain();
    }
  };
  const trials: Trial[] = [];
  try {
    for (let index = 0; index < plan.trials; index++) {
      onProgress(`${mode}: trial ${index + 1}/${plan.trials}, getting ready on the source`);
      sfu.setViewerLayer(viewer.sessionId, 'source');
      const readyBy = Date.now() + plan.readyTimeoutMs;
      let cleanStart = false;
      let readySinceMs: number | null = null;
      while (Date.now() < readyBy) {
        await wait(250);
        const l = sfu.viewerLayer(viewer.sessionId);
        const last = samples.at(-1);
        const ok =
          l?.current === 'source' &&
          (l.estimateKbps ?? 0) >= sourceKbps &&
          last?.frameHeight === sourceHeight &&
          (samples.at(-1)?.atMs ?? 0) > Date.now() - 1000;
        readySinceMs = ok ? (readySinceMs ?? Date.now()) : null;
        // Two seconds on the source with headroom: the estimate is not on its way down.
        if (readySinceMs !== null && Date.now() - readySinceMs >= 2000) {
          cleanStart = true;
          break;
        }
      }
      onProgress(`${mode}: trial ${index + 1}/${plan.trials}, capped to ${plan.capKbps} kbit/s`);
      const capAtMs = Date.now();
      link.setCap(plan.capKbps, plan.queueMs);
      if (mode !== 'source-only') sfu.setViewerLayer(viewer.sessionId, null);
      await wait(plan.capMs);
      onProgress(`${mode}: trial ${index + 1}/${plan.trials}, cap lifted`);
      const liftAtMs = Date.now();
      link.setCap(null);
      await wait(plan.liftMs);
      trials.push(judge(mode, index, capAtMs, liftAtMs, cleanStart, samples, server, sourceKbps, sourceHeight));
    }
  } finally {
    clearInterval(poll);
    link.setCap(null);
  }
  return { mode, trials, samples, server, sourceKbps, sourceHeight };
}

function judge(
  mode: Mode,
  index: number,
  capAtMs: number,
  liftAtMs: number,
  cleanStart: boolean,
  samples: readonly ViewerSample[],
  server: readonly ServerPoint[],
  sourceKbps: number,
  sourceHeight: number,
): Trial {
  const capped = samples.filter((s) => s.atMs >= capAtMs && s.atMs < liftAtMs);
  const lifted = samples.filter((s) => s.atMs >= liftAtMs);
  const cappedServer = server.filter((p) => p.atMs >= capAtMs && p.atMs < liftAtMs);
  const liftedServer = server.filter((p) => p.atMs >= liftAtMs);
  const since = (from: number, at: number | undefined) => (at === undefined ? null : at - from);
  const estimateDown = cappedServer.find((p) => p.estimateKbps !== null && p.estimateKbps < sourceKbps);
  const serverDown = cappedServer.find((p) => p.current !== null && p.current !== 'source');
  const viewerDown = capped.find((s) => s.frameHeight > 0 && s.frameHeight < sourceHeight);
  const first = capped[0];
  const last = capped.at(-1);
  const atDown = viewerDown ?? last;
  const visited: string[] = [];
  for (const p of cappedServer) if (p.current && visited.at(-1) !== p.current) visited.push(p.current);
  const durationS = first && last ? (last.atMs - first.atMs) / 1000 : Number.NaN;
  // Back up only counts for a viewer that was down when the cap was lifted.
  const downAtLift = cappedServer.at(-1)?.current !== 'source';
  const serverUp = downAtLift ? liftedServer.find((p) => p.current === 'source') : undefined;
  const viewerUp = downAtLift ? lifted.find((s) => s.frameHeight === sourceHeight) : undefined;
  const stalls = stallsOf(capped);
  const liftLast = lifted.at(-1);
  return {
    mode,
    index,
    capAtMs,
    liftAtMs,
    cleanStart,
    estimateDownMs: since(capAtMs, estimateDown?.atMs),
    serverDownMs: since(capAtMs, serverDown?.atMs),
    viewerDownMs: since(capAtMs, viewerDown?.atMs),
    settledLayer: cappedServer.at(-1)?.current ?? null,
    layersVisited: visited,
    freezes: first && last ? last.freezeCount - first.freezeCount : Number.NaN,
    freezeS: first && last ? last.totalFreezesDurationS - first.totalFreezesDurationS : Number.NaN,
    stallS: stalls.totalMs / 1000,
    longestStallS: stalls.longestMs / 1000,
    freezesAfterSwitch: viewerDown && last ? last.freezeCount - viewerDown.freezeCount : Number.NaN,
    fps: first && last ? (last.framesDecoded - first.framesDecoded) / durationS : Number.NaN,
    framesDropped: first && last ? last.framesDropped - first.framesDropped : Number.NaN,
    packetsLost: first && last ? last.packetsLost - first.packetsLost : Number.NaN,
    serverUpMs: since(liftAtMs, serverUp?.atMs),
    viewerUpMs: since(liftAtMs, viewerUp?.atMs),
    liftFreezes: liftLast && atDown && last ? liftLast.freezeCount - last.freezeCount : Number.NaN,
  };
}

/** Spells of samples with no new decoded frame, over STALL_MS each. */
function stallsOf(samples: readonly ViewerSample[]): { totalMs: number; longestMs: number } {
  let totalMs = 0;
  let longestMs = 0;
  let lastFrameAtMs = samples[0]?.atMs ?? 0;
  let lastFrames = samples[0]?.framesDecoded ?? 0;
  const close = (atMs: number) => {
    const gap = atMs - lastFrameAtMs;
    if (gap > STALL_MS) {
      totalMs += gap;
      longestMs = Math.max(longestMs, gap);
    }
  };
  for (const s of samples) {
    if (s.framesDecoded === lastFrames) continue;
    close(s.atMs);
    lastFrameAtMs = s.atMs;
    lastFrames = s.framesDecoded;
  }
  const last = samples.at(-1);
  if (last) close(last.atMs);
  return { totalMs, longestMs };
}
