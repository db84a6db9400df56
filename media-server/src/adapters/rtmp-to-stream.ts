import type { MediaEvent } from '../protocols/flv/types.ts';
import type { RtmpPublishSession } from '../protocols/rtmp/publish-session.ts';
import type { StreamHub } from '../stream/hub.ts';
import type { StreamEvent } from '../stream/types.ts';

/**
 * FLV-derived media events as the protocol-neutral stream sees them. RTMP metadata stops here: onMetaData only tells
 * which tracks will come (its codec ids or dimensions); metadata that tells nothing becomes no event.
 */
export function toStreamEvent(event: MediaEvent): StreamEvent | undefined {
  switch (event.kind) {
    case 'video-config':
      return { kind: 'video-config', config: event.config };
    case 'audio-config':
      return { kind: 'audio-config', config: event.config };
    case 'metadata': {
      const m = event.metadata;
      const video = m.videocodecid !== undefined || m.width !== undefined;
      const audio = m.audiocodecid !== undefined || m.audiosamplerate !== undefined;
      return video || audio ? { kind: 'tracks', tracks: { video, audio } } : undefined;
    }
    default:
      return event;
  }
}

/** Connects an accepted RTMP publish to the hub: its media becomes the channel's live stream until it ends. */
export function publishToHub(session: RtmpPublishSession, hub: StreamHub): void {
  const stream = hub.publish(session.channelId, 'rtmp');
  session.onMedia((event) => {
    const streamEvent = toStreamEvent(event);
    if (streamEvent) stream.push(streamEvent);
  });
  session.onEnd((reason) => hub.end(stream, reason));
}
