/**
 * node-media-server 4 as a peer: RTMP in, HTTP-FLV out (`/live/<stream>.flv`, played by mpegts.js or ffmpeg). It
 * runs in a child process (see node-media-server-child.mjs for why), on free ports of 127.0.0.1, with its JSON store
 * in a temp dir removed on stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, PeerStartError, spawnPeer, waitForListen, withPortRetry } from './peer-process.ts';

const CHILD = fileURLToPath(new URL('./node-media-server-child.mjs', import.meta.url));

export interface NodeMediaServerPeer {
  rtmpUrl(stream: string): string;
  /** HTTP-FLV of `stream`: http://127.0.0.1:port/live/<stream>.flv */
  flvUrl(stream: string): string;
  /** Its JSON store (removed on stop). */
  readonly dataDir: string;
  /** Its last log lines (it logs at debug), for a caller's error message. */
  output(): string;
  stop(): Promise<void>;
}

export async function startNodeMediaServer(): Promise<NodeMediaServerPeer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'glint-nms-'));
  try {
    const { peer, rtmpPort, httpPort } = await withPortRetry(async () => {
      const rtmpPort = await freePort();
      const httpPort = await freePort();
      if (rtmpPort === httpPort) throw new PeerStartError('the same port twice');
      const config = JSON.stringify({ bind: '127.0.0.1', rtmpPort, httpPort, dataDir });
      // Plain node, not this process's loader (tsx): the child is JavaScript.
      // stdin is a pipe the child watches: it exits if this process dies without stopping it.
      const peer = spawnPeer(process.execPath, [CHILD, config], { cwd: dataDir, stdio: ['pipe', 'pipe', 'pipe'] });
      try {
        await waitForListen(peer, [rtmpPort, httpPort], 'node-media-server');
      } catch (error) {
        await peer.stop();
        throw error;
      }
      return { peer, rtmpPort, httpPort };
    });
    return {
      rtmpUrl: (stream) => `rtmp://127.0.0.1:${rtmpPort}/live/${stream}`,
      flvUrl: (stream) => `http://127.0.0.1:${httpPort}/live/${stream}.flv`,
      dataDir,
      output: peer.output,
      stop: async () => {
        await peer.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
