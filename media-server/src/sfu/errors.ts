import { GlintError } from '@glint/media-core';

/** Typed SFU errors with stable codes; the HTTP layer maps them to statuses and shows the message to users. */

export class SdpParseError extends GlintError<'MALFORMED_SDP'> {
  constructor(message: string) {
    super('MALFORMED_SDP', message);
  }
}

export class UnsupportedCodecError extends GlintError<'UNSUPPORTED_CODEC'> {
  constructor(message: string) {
    super('UNSUPPORTED_CODEC', message);
  }
}

export type OfferShapeCode =
  | 'TOO_MANY_MEDIA_SECTIONS'
  | 'UNSUPPORTED_MEDIA_SECTION'
  | 'BUNDLE_REQUIRED'
  | 'TOO_MANY_CANDIDATES'
  | 'PAYLOAD_TYPES_CLASH'
  | 'TOO_MANY_NUMBERINGS';

/**
 * An offer whose shape we refuse before any socket is opened: more than one audio or video section, a section that
 * is neither, no BUNDLE covering every section (each unbundled section costs a transport and its sockets), or a
 * flood of candidates.
 */
export class OfferShapeError extends GlintError<OfferShapeCode> {}

/** werift refused the offer after our own checks passed (an SDP shape it cannot answer). */
export class NegotiationError extends GlintError<'NEGOTIATION_FAILED'> {
  constructor(message: string, options?: ErrorOptions) {
    super('NEGOTIATION_FAILED', message, options);
  }
}

export class NoSourceError extends GlintError<'CHANNEL_NOT_LIVE'> {
  constructor(readonly channelId: string) {
    super('CHANNEL_NOT_LIVE', `channel "${channelId}" is not live over WebRTC; try again when it starts`);
  }
}

export class SfuClosedError extends GlintError<'SFU_CLOSED'> {
  constructor() {
    super('SFU_CLOSED', 'the media server is shutting down; try again in a moment');
  }
}
