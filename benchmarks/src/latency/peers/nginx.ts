/**
 * Debian's nginx as two peers: nginx-rtmp's HLS (the classic RTMP → 1 s MPEG-TS segments path) and a caching reverse
 * proxy standing for a CDN edge in front of Glint's LL-HLS origin. nginx runs in the foreground, one process
 * (`master_process off`: as root a master would hand the work to a `nobody` worker that cannot write our temp dir),
 * with every path (pid, logs, temp files, cache, HLS) in a temp dir removed on stop.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureDebianPackages,
  freePort,
  PeerStartError,
  spawnPeer,
  waitForListen,
  withPortRetry,
} from './peer-process.ts';

export const NGINX_BINARY = '/usr/sbin/nginx';
export const RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';
const NGINX_PACKAGES = ['nginx-light', 'libnginx-mod-rtmp'];

/** Installs nginx and its RTMP module when missing (as root), else an error naming the packages. */
export function ensureNginx(): void {
  ensureDebianPackages(
    'nginx with the RTMP module',
    NGINX_PACKAGES,
    () => existsSync(NGINX_BINARY) && existsSync(RTMP_MODULE),
  );
}

export interface NginxRtmpHls {
  /** Where a publisher sends `stream` (application `live`). */
  rtmpUrl(stream: string): string;
  /** The stream's HLS media playlist. */
  hlsUrl(stream: string): string;
  /** The folder nginx-rtmp writes the playlist and segments into. */
  readonly hlsDir: string;
  stop(): Promise<void>;
}

export interface EdgeCache {
  /** `path` (with its query) through the edge, e.g. `/live/demo/video/index.m3u8?_HLS_msn=3&_HLS_part=1`. */
  url(path: string): string;
  readonly port: number;
  stop(): Promise<void>;
}

interface RunningNginx {
  readonly prefix: string;
  stop(): Promise<void>;
}

/** Writes `conf` (with `{{prefix}}` and port placeholders filled by the caller) and runs nginx until it listens. */
async function runNginx(prefix: string, conf: string, ports: readonly number[], what: string): Promise<RunningNginx> {
  for (const dir of ['tmp/body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi']) {
    mkdirSync(join(prefix, dir), { recursive: true });
  }
  const confPath = join(prefix, 'nginx.conf');
  writeFileSync(confPath, conf);
  // -e: the compiled-in error log (/var/log/nginx) is opened before the config is read.
  const peer = spawnPeer(NGINX_BINARY, ['-p', prefix, '-c', confPath, '-e', join(prefix, 'error.log')], {
    cwd: prefix,
  });
  try {
    await waitForListen(peer, ports, what);
  } catch (error) {
    await peer.stop();
    throw error;
  }
  return {
    prefix,
    // SIGTERM is nginx's fast shutdown: open connections (a parked blocking reload) are closed, not drained.
    stop: () => peer.stop(),
  };
}

/** The common head of both configs: one foreground process, everything under the prefix. */
function head(prefix: string, modules: string): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
${modules}
events { worker_connections 4096; }
`;
}

function httpHead(prefix: string): string {
  return `  access_log ${prefix}/access.log;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  tcp_nodelay on;
  keepalive_timeout 65s;
  keepalive_requests 100000;
`;
}

/** Starts a temp dir, a config and nginx; removes the dir whatever happens to the start. */
async function startInTempDir(
  name: string,
  build: (prefix: string) => Promise<{ conf: string; ports: number[] }>,
): Promise<RunningNginx> {
  ensureNginx();
  return withPortRetry(async () => {
    const prefix = mkdtempSync(join(tmpdir(), `glint-${name}-`));
    try {
      const { conf, ports } = await build(prefix);
      const nginx = await runNginx(prefix, conf, ports, name);
      return {
        prefix,
        stop: async () => {
          await nginx.stop();
          rmSync(prefix, { recursive: true, force: true });
        },
      };
    } catch (error) {
      rmSync(prefix, { recursive: true, force: true });
      throw error;
    }
  });
}

/**
 * nginx-rtmp taking RTMP into application `live` and writing HLS with 1 s fragments (it cuts at keyframes, so the
 * broadcaster's 1 s GOP gives 1 s segments) and a 4 s playlist, served over HTTP with CORS and no caching.
 */
export async function startNginxRtmpHls(): Promise<NginxRtmpHls> {
  let rtmpPort = 0;
  let httpPort = 0;
  const running = await startInTempDir('nginx-rtmp', async (prefix) => {
    rtmpPort = await freePort();
    httpPort = await freePort();
    if (rtmpPort === httpPort) throw new PeerStartError('the same port twice');
    const conf = `${head(prefix, `load_module ${RTMP_MODULE};`)}
rtmp {
  server {
    listen 127.0.0.1:${rtmpPort};
    chunk_size 4096;
    application live {
      live on;
      record off;
      hls on;
      hls_path ${prefix}/hls;
      hls_fragment 1s;
      hls_playlist_length 4s;
      hls_cleanup on;
    }
  }
}
http {
${httpHead(prefix)}
  types {
    application/vnd.apple.mpegurl m3u8;
    video/mp2t ts;
  }
  sendfile on;
  server {
    listen 127.0.0.1:${httpPort};
    location /hls/ {
      alias ${prefix}/hls/;
      add_header Cache-Control no-cache always;
      add_header Access-Control-Allow-Origin * always;
      add_header Access-Control-Allow-Headers * always;
      if ($request_method = OPTIONS) { return 204; }
    }
  }
}
`;
    return { conf, ports: [rtmpPort, httpPort] };
  });
  return {
    rtmpUrl: (stream) => `rtmp://127.0.0.1:${rtmpPort}/live/${stream}`,
    hlsUrl: (stream) => `http://127.0.0.1:${httpPort}/hls/${stream}.m3u8`,
    hlsDir: join(running.prefix, 'hls'),
    stop: running.stop,
  };
}

export interface EdgeCacheOptions {
  /** proxy_cache_lock: one origin request per key at a time (default true). */
  readonly collapse?: boolean;
}

/**
 * A caching reverse proxy in front of `origin` (`http://127.0.0.1:port`), as a CDN edge would sit before Glint:
 * - the cache key is the path plus the LL-HLS query arguments (`_HLS_msn`, `_HLS_part`, `_HLS_skip`), so every viewer
 *   asking for the same blocking reload shares one entry; other arguments (a viewer id) do not split it;
 * - `proxy_cache_lock` lets one request per key reach the origin while identical ones wait for its answer;
 * - freshness is the origin's Cache-Control (nginx honours it by default: Glint answers blocking reloads with
 *   `max-age=<target duration>`, parts and segments `immutable`, live playlists `no-cache`); `proxy_cache_valid`
 *   applies only to answers that carry none;
 * - lock and read timeouts of 15 s outlast a blocking reload (the spec's bound is three target durations);
 * - keep-alive HTTP/1.1 connections to the origin.
 * Responses carry `X-Cache-Status` (HIT, MISS, EXPIRED, BYPASS…).
 *
 * Caveat, measured (loopback, Glint origin, 1 s segments, 200 ms parts): nginx's lock waiters are not woken when the
 * answer arrives; they poll every 500 ms (ngx_http_file_cache_lock_wait). One viewer per key pays ~0.5 ms over the
 * origin (p50 of 50 blocking reloads), but with 10 viewers asking the same reload at once the nine waiters got it
 * p50 415 ms, p95 501 ms after the origin answered. CDNs that collapse requests wake waiters at once; to stand for
 * those with several viewers, pass `{ collapse: false }` (every request goes to the origin, still cached for later).
 */
export async function startEdgeCache(origin: string, options: EdgeCacheOptions = {}): Promise<EdgeCache> {
  const upstream = new URL(origin);
  if (upstream.protocol !== 'http:' || !upstream.port) {
    throw new TypeError(`the edge's origin must be http://host:port, got ${origin}`);
  }
  let port = 0;
  const running = await startInTempDir('nginx-edge', async (prefix) => {
    port = await freePort();
    const conf = `${head(prefix, '')}
http {
${httpHead(prefix)}
  proxy_cache_path ${prefix}/cache levels=1:2 keys_zone=edge:16m max_size=1g inactive=60s use_temp_path=off;
  upstream origin {
    server ${upstream.hostname}:${upstream.port};
    keepalive 256;
  }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache edge;
      proxy_cache_key "$uri|$arg__HLS_msn|$arg__HLS_part|$arg__HLS_skip";
      proxy_cache_lock ${options.collapse === false ? 'off' : 'on'};
      proxy_cache_lock_timeout 15s;
      proxy_cache_lock_age 15s;
      proxy_cache_valid 200 1s;
      proxy_buffering on;
      proxy_connect_timeout 5s;
      proxy_read_timeout 15s;
      proxy_send_timeout 15s;
      add_header X-Cache-Status $upstream_cache_status always;
    }
  }
}
`;
    return { conf, ports: [port] };
  });
  return { url: (path) => `http://127.0.0.1:${port}${path}`, port, stop: running.stop };
}
