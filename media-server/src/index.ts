export { StreamRtpSource } from './adapters/stream-rtp-source.ts';
export { whipToStream } from './adapters/whip-to-stream.ts';
export { PublishAdmission } from './admission/publish-admission.ts';
export { DEMO_CHANNEL, Glint, type GlintOptions } from './app.ts';
export { type Config, ConfigError, defineConfig, loadConfig } from './config.ts';
export { type DemoBroadcast, type DemoBroadcastOptions, startDemoBroadcast } from './demo/broadcaster.ts';
export {
  LlhlsWorkerPool,
  type LlhlsWorkerPoolOptions,
  type ServedChannel,
  type ServedChannels,
} from './servers/llhls-workers/llhls-worker-pool.ts';
export * from './servers/whip/index.ts';
export * from './sfu/index.ts';
export { type SfuEdge, type SfuEdgeOptions, startSfuEdge } from './sfu-edge.ts';
export { decideEngine, startChosenEngine } from './sfu-engine.ts';
export type { StreamEndReason, StreamEvent, StreamReader, StreamSource } from './stream/index.ts';
export { ChannelAlreadyLiveError, LiveStream, StreamHub } from './stream/index.ts';
export {
  Ladder,
  type LadderRung,
  type LadderStats,
  parseLadderSpec,
  planLadder,
  type RungSpec,
} from './transcode/ladder/index.ts';
export { ClipMaker } from './vod/clips/clip-maker.ts';
export { renderVodMediaPlaylist } from './vod/playlists/vod-media-playlist.ts';
export { VodPlaylists } from './vod/playlists/vod-playlists.ts';
export { type ArchiveStats, Vod, type VodOptions } from './vod/vod.ts';
