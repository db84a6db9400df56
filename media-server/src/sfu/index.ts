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
export { LAYER_SELECTOR_DEFAULTS, type LayerSelectorOptions } from './layer-selector.ts';
export { MediasoupSfu, type MediasoupSfuOptions } from './mediasoup/mediasoup-sfu.ts';
export { loadMediasoup, mediasoupCacheDir, readyMediasoup } from './mediasoup/worker-cache.ts';
export type { IceOptions } from './peer-config.ts';
export { PEER_TIMEOUT_DEFAULTS, type PeerTimeouts } from './peer-watch.ts';
export {
  Publisher,
  type PublisherEndReason,
  type PublisherOptions,
  type PublisherStats,
} from './publisher.ts';
export { sessionLogTag } from './session-log-tag.ts';
export type { SubscriberEndReason } from './subscriber.ts';
export type {
  MediaKind,
  RtpCodec,
  RtpSource,
  SessionDescription,
  Sfu,
  SfuEngine,
  SubscribeOptions,
  SubscriberInfo,
} from './types.ts';
export { SFU_DEFAULTS, WeriftSfu, type WeriftSfuOptions, weriftOf } from './werift-sfu.ts';
