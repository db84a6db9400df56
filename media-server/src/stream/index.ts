export { ChannelAlreadyLiveError, StreamHub, type StreamListener } from './hub.ts';
export { LiveStream } from './live-stream.ts';
export type { ExpectedTracks, StreamEndReason, StreamEvent, StreamReader, StreamSource } from './types.ts';
