export { DEMO_CHANNEL, Glint, type GlintOptions } from './app.ts';
export { type Config, loadConfig } from './config.ts';
export { type DemoBroadcast, type DemoBroadcastOptions, startDemoBroadcast } from './demo/broadcaster.ts';
export { type Channel, MemoryStreamKeyStore, type StreamKeyStore } from './platform/stream-keys.ts';
export { StreamRtpSource, whipToStream } from './protocols/webrtc/index.ts';
export * from './protocols/whip/index.ts';
export * from './sfu/index.ts';
export type { StreamEndReason, StreamEvent, StreamReader, StreamSource } from './stream/index.ts';
export { ChannelAlreadyLiveError, LiveStream, StreamHub } from './stream/index.ts';
