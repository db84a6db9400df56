export { type KeyframeRequest, LivePackager, newBroadcastId, type PackagerOptions } from './packager.ts';
export { renderMediaPlaylist, type SkipRequest } from './playlist/media.ts';
export type * from './playlist/model.ts';
export { renderMultivariantPlaylist } from './playlist/multivariant.ts';
export { attributes, dateTime, decimal, quoted } from './playlist/tags.ts';
export { type Position, Rendition, type StoredSegment } from './rendition.ts';
export { LlhlsHttp, type LlhlsHttpOptions } from './server/handler.ts';
export type { CompletedSegment, SegmentSink } from './storage/sink.ts';
export { segmentBytes } from './storage/sink.ts';
