import { GlintError } from '@glint/media-core';

export type Fmp4ErrorCode = 'INVALID_TRACK' | 'INVALID_FRAGMENT';

/** Thrown when a track description or fragment cannot be expressed in ISOBMFF fields. */
export class Fmp4Error extends GlintError<Fmp4ErrorCode> {
  override readonly name = 'Fmp4Error';
}
