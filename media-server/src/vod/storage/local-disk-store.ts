import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { GlintError } from '@glint/media-core';
import type { MediaStore } from './types.ts';

export class StorageKeyError extends GlintError<'BAD_STORAGE_KEY'> {
  override readonly name = 'StorageKeyError';
  constructor(key: string, why: string) {
    super('BAD_STORAGE_KEY', `storage key "${key.slice(0, 200)}" is not valid: ${why}`);
  }
}

const PART = /^[A-Za-z0-9._-]+$/;
const MAX_KEY_LENGTH = 512;

/** Throws StorageKeyError unless the key is `/`-separated parts of [A-Za-z0-9._-], none `.` or `..`. */
export function checkKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw new StorageKeyError(key, 'empty or too long');
  for (const part of key.split('/')) {
    if (part === '' || part === '.' || part === '..') {
      throw new StorageKeyError(key, 'empty, "." or ".." part (keys are relative, "/"-separated)');
    }
    if (!PART.test(part)) throw new StorageKeyError(key, 'a part holds a character other than A-Z a-z 0-9 . _ -');
  }
}

/**
 * Media on the local disk under one root. A put writes a temp file in `<root>/.tmp`, fsyncs it, renames it into
 * place and fsyncs the folder: after a crash the key holds all the bytes or does not exist (`.tmp` is emptied at
 * open, its leftovers are partial writes).
 */
export class LocalDiskStore implements MediaStore {
  readonly root: string;
  readonly #tmp: string;
  #ready: Promise<void> | undefined;

  constructor(root: string) {
    this.root = root;
    this.#tmp = join(root, '.tmp');
  }

  /** The file a key is stored in. */
  pathOf(key: string): string {
    checkKey(key);
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const path = this.pathOf(key);
    await this.#prepare();
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    const tmp = join(this.#tmp, `${randomBytes(8).toString('hex')}.part`);
    const file = await open(tmp, 'w');
    try {
      for (const b of bytes instanceof Uint8Array ? [bytes] : bytes) {
        // A short write (a nearly full disk) is continued; the next write then fails with ENOSPC.
        for (let at = 0; at < b.byteLength; ) at += (await file.write(b, at, b.byteLength - at)).bytesWritten;
      }
      await file.sync();
    } catch (error) {
      await file.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      throw error;
    }
    await file.close();
    try {
      await rename(tmp, path);
    } catch (error) {
      await unlink(tmp).catch(() => {});
      throw error;
    }
    await syncDir(dir);
  }

  async get(key: string): Promise<Buffer | undefined> {
    return orMissing(() => readFile(this.pathOf(key)));
  }

  async size(key: string): Promise<number | undefined> {
    const path = this.pathOf(key);
    return orMissing(async () => (await stat(path)).size);
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable | undefined> {
    const path = this.pathOf(key);
    // Open first so a missing file is `undefined`, not a stream that errors later.
    const handle = await orMissing(() => open(path, 'r'));
    if (!handle) return undefined;
    return createReadStream('', { fd: handle, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  async delete(keys: readonly string[]): Promise<void> {
    const paths = keys.map((k) => this.pathOf(k));
    for (const path of paths) await rm(path, { force: true });
  }

  /** Removes a folder of keys (`vod/<broadcastId>`) with whatever is left in it. */
  async deleteFolder(prefix: string): Promise<void> {
    await rm(this.pathOf(prefix), { recursive: true, force: true });
  }

  #prepare(): Promise<void> {
    this.#ready ??= (async () => {
      await rm(this.#tmp, { recursive: true, force: true });
      await mkdir(this.#tmp, { recursive: true });
    })();
    // A failure (the disk went away) is retried on the next put.
    return this.#ready.catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function orMissing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
