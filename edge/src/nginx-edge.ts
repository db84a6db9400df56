/**
 * nginx (Debian's nginx-light) running the shipped edge snippet (edge/nginx/glint-edge.conf), one foreground process
 * with its pid, logs, temp files and cache under one folder of its own. The alternative to Varnish, and its peer in
 * `npm run bench:edge`: see the snippet's note on proxy_cache_lock.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOrigin, renderNginxSnippet } from './config-files.ts';
import type { EdgeCache, EdgeOptions } from './edge-cache.ts';
import { ensurePackages, runEdgeProcess, startInSlot } from './edge-process.ts';

export const NGINX = '/usr/sbin/nginx';

export function ensureNginx(): void {
  ensurePackages('nginx', ['nginx-light'], () => existsSync(NGINX));
}

/** The main config around the snippet: every path inside `dir`; the upstream's address logged per request. */
function mainConfig(dir: string, idleTimeoutSec: number): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 65536; }
http {
  log_format edge '$upstream_addr $upstream_cache_status';
  access_log ${dir}/access.log edge;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  tcp_nodelay on;
  keepalive_timeout ${idleTimeoutSec}s;
  keepalive_requests 100000;
  include ${dir}/glint-edge.conf;
}
`;
}

export async function startNginxEdge(options: EdgeOptions): Promise<EdgeCache> {
  const origin = parseOrigin(options.origin);
  ensureNginx();
  return startInSlot(options, 'nginx', async ({ host, port, dir }) => {
    for (const sub of ['tmp/body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi', 'cache']) {
      mkdirSync(join(dir, sub), { recursive: true });
    }
    let snippet = renderNginxSnippet({ origin, listenHost: host, listenPort: port, cacheDir: join(dir, 'cache') });
    if (options.cacheMb !== undefined) snippet = snippet.replace(/max_size=\S+/, `max_size=${options.cacheMb}m`);
    writeFileSync(join(dir, 'glint-edge.conf'), snippet);
    const confPath = join(dir, 'nginx.conf');
    writeFileSync(confPath, mainConfig(dir, options.idleTimeoutSec ?? 60));
    const accessLog = join(dir, 'access.log');
    // -e: the compiled-in error log (/var/log/nginx) is opened before the config is read.
    const child = await runEdgeProcess(NGINX, ['-p', dir, '-c', confPath, '-e', join(dir, 'error.log')], {
      host,
      port,
    });
    return {
      kind: 'nginx',
      host,
      port,
      url: (path) => `http://${host}:${port}${path}`,
      originRequests: async () => countUpstreamRequests(accessLog),
      stats: async () => ({ upstream_requests: countUpstreamRequests(accessLog) }),
      stop: () => child.stop(),
    };
  });
}

/** Lines of the access log whose request went to the upstream (its address logged, not "-"). */
function countUpstreamRequests(accessLog: string): number {
  if (!existsSync(accessLog)) return 0;
  let count = 0;
  for (const line of readFileSync(accessLog, 'utf8').split('\n')) if (line && !line.startsWith('-')) count++;
  return count;
}
