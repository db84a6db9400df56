/**
 * Which SFU engine serves WebRTC: `GLINT_SFU_ENGINE` (auto, werift, mediasoup). mediasoup forwards a packet for
 * about a third of werift's CPU (README, `npm run bench:webrtc`), but gives each viewer one video layer; werift
 * switches viewers between the ladder's rungs by their bandwidth. So `auto` takes mediasoup when its worker is built
 * and channels have one layer (`GLINT_LADDER=source`), werift otherwise. Until the worker is built Glint serves with
 * werift and says how to build it (`npm start` starts the build in the background when it would be used).
 */
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { MediasoupSfu } from './sfu/mediasoup/mediasoup-sfu.ts';
import {
  buildMediasoupInBackground,
  buildUnderWay,
  loadMediasoup,
  mediasoupCacheDir,
  readyMediasoup,
} from './sfu/mediasoup/worker-cache.ts';

export type EngineDecision =
  | { readonly engine: 'werift'; readonly reason: string; readonly wantsMediasoup: boolean }
  | { readonly engine: 'mediasoup'; readonly reason: string };

/** The engine the settings ask for, given whether the worker is built. Pure. */
export function decideEngine(
  choice: Config['sfuEngine'],
  ladderRungs: number,
  built: boolean,
  cacheDir: string,
): EngineDecision {
  if (choice === 'werift') return { engine: 'werift', reason: 'GLINT_SFU_ENGINE=werift', wantsMediasoup: false };
  if (choice === 'auto' && ladderRungs > 0) {
    return {
      engine: 'werift',
      reason:
        'the ladder is on and werift switches WebRTC viewers between its rungs (GLINT_SFU_ENGINE=mediasoup forwards the source layer only)',
      wantsMediasoup: false,
    };
  }
  if (built) return { engine: 'mediasoup', reason: `mediasoup worker in ${cacheDir}` };
  return {
    engine: 'werift',
    reason: `the mediasoup worker is not built yet (npm run sfu:build builds it into ${cacheDir})`,
    wantsMediasoup: true,
  };
}

/** The mediasoup engine when the settings choose it and its worker is built; null: serve with werift. */
export async function startChosenEngine(config: Config, log: Logger): Promise<MediasoupSfu | null> {
  const dir = mediasoupCacheDir();
  const build = readyMediasoup(dir);
  const decision = decideEngine(config.sfuEngine, config.ladder.length, build !== null, dir);
  if (decision.engine === 'werift' || !build) {
    log.info({ reason: decision.reason }, 'SFU engine: werift');
    return null;
  }
  try {
    return await MediasoupSfu.start({
      mediasoup: loadMediasoup(build),
      workerBin: build.workerBin,
      workers: config.sfuWorkers > 0 ? config.sfuWorkers : availableParallelism(),
      keyframeIntervalMs: config.webrtcKeyframeIntervalMs,
      connectTimeoutMs: config.webrtcConnectTimeoutMs,
      disconnectedGraceMs: config.webrtcDisconnectedGraceMs,
      idleTimeoutMs: config.webrtcIdleTimeoutMs,
      ice: {
        bindAddress: config.webrtcBindAddress,
        ...(config.webrtcPublicIps.length > 0 ? { publicIps: config.webrtcPublicIps } : {}),
      },
      logger: log,
    });
  } catch (error) {
    log.warn({ err: error }, 'SFU engine: mediasoup did not start; serving with werift');
    return null;
  }
}

/**
 * `npm start`: when the settings would use mediasoup and its worker is missing, builds it in the background (used
 * from the next start). Returns what it did, for the start banner.
 */
export function buildEngineIfWanted(config: Config, log: Logger): string | null {
  const dir = mediasoupCacheDir();
  const decision = decideEngine(config.sfuEngine, config.ladder.length, readyMediasoup(dir) !== null, dir);
  if (decision.engine !== 'werift' || !decision.wantsMediasoup) return null;
  if (buildUnderWay(dir)) return `mediasoup worker: a build is under way in ${dir}`;
  const { log: buildLog } = buildMediasoupInBackground((build, code) => {
    if (build) log.info({ dir }, 'mediasoup worker built: restart Glint to serve WebRTC with it');
    else log.warn({ code, log: `${dir}/build.log` }, 'mediasoup worker build failed; serving with werift');
  }, dir);
  return `mediasoup worker: building in the background (about 3–10 minutes; log ${buildLog}); used from the next start`;
}
