export { LadderError, type LadderErrorCode } from './errors.ts';
export { LADDER_BACKOFF, Ladder, type LadderBackoff, type LadderOptions, type LadderStats } from './ladder.ts';
export { LADDER_LOAD, type LadderLoadOptions } from './ladder-load.ts';
export {
  DEFAULT_LADDER_SPEC,
  MAX_RUNGS,
  type PlannedRung,
  parseLadderJson,
  parseLadderSpec,
  planLadder,
} from './ladder-spec.ts';
export type { ChannelLadder, LadderRung, RungSpec } from './types.ts';
