import type { MediaEvent } from '../protocols/flv/types.ts';
import type { RtmpPublishSession } from '../protocols/rtmp/publish-session.ts';
import type { StreamHub } from '../stream/hub.ts';
import type { StreamEvent } from '../stream/types.ts';

/** FLV-derived media events as the protocol-neutral stream sees them. */
export function toStreamEvent(event: MediaEvent): StreamEvent {
  switch (event.kind) {
    case 'video-config':
      return { kind: 'video-config', config: event.config };
    case 'audio-config':
      return { kind: 'audio-config', config: event.config };
    case 'metadata':
      return { kind: 'metadata', metadata: event.metadata as Readonly<Record<string, unknown>> };
    default:
      return event;
  }
}

/** Connects an accepted RTMP publish to the hub: its media becomes the channel's live stream until it ends. */
export function publishToHub(session: RtmpPublishSession, hub: StreamHub): void {
  const stream = hub.publish(session.channelId, 'rtmp');
  session.onMedia((event) => stream.push(toStreamEvent(event)));
  session.onEnd((reason) => hub.end(stream, reason));
}
