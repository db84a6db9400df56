/** Typed SFU errors with stable codes; the HTTP layer maps them to statuses and shows the message to users. */

export class SdpParseError extends Error {
  readonly code = 'MALFORMED_SDP';
}

export class UnsupportedCodecError extends Error {
  readonly code = 'UNSUPPORTED_CODEC';
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
