export { ChannelAlreadyLiveError, StreamHub, type StreamListener } from './hub.ts';
export { LiveStream } from './live-stream.ts';
export type { StreamEndReason, StreamEvent, StreamReader, StreamSource } from './types.ts';
