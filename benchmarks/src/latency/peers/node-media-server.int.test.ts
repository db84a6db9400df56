import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { until } from '@glint/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeMediaServerPeer, startNodeMediaServer } from './node-media-server.ts';
import type { PeerProcess } from './peer-process.ts';
import { publishTestStream } from './test-publisher.ts';

const run = promisify(execFile);

describe('node-media-server peer (RTMP in, HTTP-FLV out)', () => {
  let nms: NodeMediaServerPeer;
  let publisher: PeerProcess;

  beforeAll(async () => {
    nms = await startNodeMediaServer();
    publisher = publishTestStream(nms.rtmpUrl('s'));
  }, 20_000);

  afterAll(async () => {
    await publisher?.stop();
    await nms?.stop();
  });

  it('serves the published stream as FLV that ffprobe reads (H.264 + AAC)', async () => {
    const probe = await until(
      async () => {
        const { stdout } = await run(
          'ffprobe',
          ['-v', 'error', '-show_entries', 'stream=codec_name,width', '-of', 'csv=p=0', nms.flvUrl('s')],
          { timeout: 10_000 },
        ).catch(() => ({ stdout: '' }));
        return stdout.includes('h264') ? stdout : undefined;
      },
      {
        what: 'ffprobe to read video from the FLV URL',
        timeoutMs: 20_000,
        intervalMs: 500,
        detail: () => nms.output(),
      },
    );
    expect(probe).toContain('h264,320');
    expect(probe).toContain('aac');
    const res = await fetch(nms.flvUrl('s'));
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    await res.body?.cancel();
  }, 30_000);

  it('stops its child and removes its data dir', async () => {
    const other = await startNodeMediaServer();
    expect(existsSync(other.dataDir)).toBe(true);
    await other.stop();
    await expect(fetch(other.flvUrl('s'))).rejects.toThrow();
    expect(existsSync(other.dataDir)).toBe(false);
  });
});
