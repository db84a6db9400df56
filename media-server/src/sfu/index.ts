export {
  NegotiationError,
  NoSourceError,
  type OfferShapeCode,
  OfferShapeError,
  SdpParseError,
  SfuClosedError,
  UnsupportedCodecError,
} from './errors.ts';
export { KeyframeGate } from './keyframe-gate.ts';
export type { IceOptions } from './peer-config.ts';
export { sessionLogTag } from './session-log-tag.ts';
export type { SubscriberEndReason } from './subscriber.ts';
export type {
  MediaKind,
  RtpCodec,
  RtpSource,
  SessionDescription,
  Sfu,
  SubscribeOptions,
  SubscriberInfo,
} from './types.ts';
export { WeriftSfu, type WeriftSfuOptions } from './werift-sfu.ts';
export {
  type PublisherEndReason,
  type PublisherStats,
  WhipPublisher,
  type WhipPublisherOptions,
} from './whip-publisher.ts';
