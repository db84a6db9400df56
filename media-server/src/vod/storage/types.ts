import type { Readable } from 'node:stream';

/**
 * Where archived media (segments, init segments, clips, thumbnails) lives, by key: `/`-separated, of
 * `[A-Za-z0-9._-]` parts, never `..`. The local-disk store is the default; an object store can implement the same.
 */
export interface MediaStore {
  /** Stores the bytes under the key crash-safely: after a crash the key holds all of them or does not exist. */
  put(key: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /** The bytes, or undefined when the key does not exist. */
  get(key: string): Promise<Buffer | undefined>;
  /** Size in bytes, or undefined when the key does not exist. */
  size(key: string): Promise<number | undefined>;
  /** Streams the bytes [start, end] (inclusive, as HTTP ranges), or all of them; undefined when missing. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable | undefined>;
  /** Deletes keys (missing keys are fine). */
  delete(keys: readonly string[]): Promise<void>;
}
