/** The one browser WHIP/WHEP client: the watch page, the e2e pages and the benchmark pages all run this code. */
export { completeLocalDescription, DEFAULT_ICE_GATHERING_TIMEOUT_MS, iceGatheringComplete } from './ice-gathering.ts';
export { type NegotiateOptions, negotiate } from './negotiate.ts';
export { type OfferReply, type PostOfferOptions, postOffer, type SessionResource } from './post-offer.ts';
export { SignalingError, type SignalingErrorCode } from './signaling-error.ts';
export { WebrtcSession } from './webrtc-session.ts';
export { whepLatencySec } from './whep-latency.ts';
export { type WhepPlayOptions, whepPlay } from './whep-play.ts';
export { type WhipPublishOptions, whipPublish } from './whip-publish.ts';
