/** Typed SFU errors with stable codes; the HTTP layer maps them to statuses and shows the message to users. */

export class SdpParseError extends Error {
  readonly code = 'MALFORMED_SDP';
}

export class UnsupportedCodecError extends Error {
  readonly code = 'UNSUPPORTED_CODEC';
}

export type OfferShapeCode =
  | 'TOO_MANY_MEDIA_SECTIONS'
  | 'UNSUPPORTED_MEDIA_SECTION'
  | 'BUNDLE_REQUIRED'
  | 'TOO_MANY_CANDIDATES';

/**
 * An offer whose shape we refuse before any socket is opened: more than one audio or video section, a section that
 * is neither, no BUNDLE covering every section (each unbundled section costs a transport and its sockets), or a
 * flood of candidates.
 */
export class OfferShapeError extends Error {
  constructor(
    readonly code: OfferShapeCode,
    message: string,
  ) {
    super(message);
  }
}

/** werift refused the offer after our own checks passed (an SDP shape it cannot answer). */
export class NegotiationError extends Error {
  readonly code = 'NEGOTIATION_FAILED';
}

export class NoSourceError extends Error {
  readonly code = 'CHANNEL_NOT_LIVE';
  constructor(readonly channelId: string) {
    super(`channel "${channelId}" is not live over WebRTC; try again when it starts`);
  }
}

export class SfuClosedError extends Error {
  readonly code = 'SFU_CLOSED';
  constructor() {
    super('the media server is shutting down; try again in a moment');
  }
}
