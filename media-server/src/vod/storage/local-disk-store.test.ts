import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { makeTempDir, type TempDir } from '@glint/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkKey, LocalDiskStore } from './local-disk-store.ts';

async function text(stream: NodeJS.ReadableStream | undefined): Promise<string | undefined> {
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('LocalDiskStore', () => {
  let dir: TempDir;
  let store: LocalDiskStore;
  beforeEach(() => {
    dir = makeTempDir('store');
    store = new LocalDiskStore(dir.path);
  });
  afterEach(() => dir.remove());

  it('puts parts as one file, reads it whole, by range, by size; missing keys are undefined', async () => {
    await store.put('vod/b1/video/0.m4s', [Buffer.from('hello '), new Uint8Array(Buffer.from('world'))]);
    expect((await store.get('vod/b1/video/0.m4s'))?.toString()).toBe('hello world');
    expect(await store.size('vod/b1/video/0.m4s')).toBe(11);
    expect(await text(await store.read('vod/b1/video/0.m4s', { start: 6, end: 10 }))).toBe('world');
    expect(await text(await store.read('vod/b1/video/0.m4s'))).toBe('hello world');
    expect(await store.get('vod/b1/video/1.m4s')).toBeUndefined();
    expect(await store.size('vod/b1/video/1.m4s')).toBeUndefined();
    expect(await store.read('vod/b1/video/1.m4s')).toBeUndefined();
    // The temp folder holds nothing once a put is done.
    expect(readdirSync(dir.file('.tmp'))).toEqual([]);
  });

  it('replaces a key atomically and deletes keys and folders (missing ones are fine)', async () => {
    await store.put('clips/a.mp4', Buffer.from('one'));
    await store.put('clips/a.mp4', Buffer.from('two!'));
    expect((await store.get('clips/a.mp4'))?.toString()).toBe('two!');
    await store.put('vod/b2/audio/0.m4s', Buffer.from('x'));
    await store.delete(['clips/a.mp4', 'clips/missing.mp4']);
    expect(await store.get('clips/a.mp4')).toBeUndefined();
    await store.deleteFolder('vod/b2');
    expect(existsSync(dir.file('vod/b2'))).toBe(false);
  });

  it('clears partial writes a killed process left in .tmp', async () => {
    await store.put('a', Buffer.from('1'));
    writeFileSync(dir.file('.tmp/leftover.part'), 'partial');
    const again = new LocalDiskStore(dir.path);
    await again.put('b', Buffer.from('2'));
    expect(readdirSync(dir.file('.tmp'))).toEqual([]);
    expect((await again.get('a'))?.toString()).toBe('1');
  });

  it('refuses keys that escape the root or hold other characters, with a clear error', async () => {
    for (const bad of ['', '../x', 'vod/../../etc/passwd', '/abs', 'a//b', 'a/./b', 'sp ace', 'a\\b', 'é', 'x/']) {
      expect(() => checkKey(bad), bad).toThrow(expect.objectContaining({ code: 'BAD_STORAGE_KEY' }));
    }
    await expect(store.put('../escape', Buffer.from('x'))).rejects.toThrow(/storage key "..\/escape" is not valid/);
    await expect(store.get('a/../../b')).rejects.toMatchObject({ code: 'BAD_STORAGE_KEY' });
    expect(existsSync(dir.file('../escape'))).toBe(false);
    expect(() => checkKey('vod/0abc_-.x/480p/init-0123456789abcdef.mp4')).not.toThrow();
  });
});
