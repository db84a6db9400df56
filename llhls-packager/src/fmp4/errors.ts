export type Fmp4ErrorCode = 'INVALID_TRACK' | 'INVALID_FRAGMENT';

/** Thrown when a track description or fragment cannot be expressed in ISOBMFF fields. */
export class Fmp4Error extends Error {
  override readonly name = 'Fmp4Error';
  readonly code: Fmp4ErrorCode;

  constructor(code: Fmp4ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
