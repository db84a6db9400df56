/**
 * Varnish Cache (Debian's varnishd) as Glint's LL-HLS edge, running the shipped VCL (edge/varnish/glint-edge.vcl) in
 * the foreground with its working folder, logs and compiled VCL under one folder of its own.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseOrigin, renderVcl } from './config-files.ts';
import type { EdgeCache, EdgeOptions } from './edge-cache.ts';
import { ensurePackages, runEdgeProcess, startInSlot } from './edge-process.ts';

export const VARNISHD = '/usr/sbin/varnishd';
const run = promisify(execFile);

/**
 * Few worker threads and a deep queue. A part's release wakes every viewer waiting for it at once; each woken request
 * needs a thread, and thousands of threads contend for the one object's lock: measured here (bench:edge, 2 cores)
 * with 19,900 waiting viewers, p50 1.0 s with 100–300 threads per pool vs 2.4–3.1 s with 1,000–10,000. Waiting and idle
 * viewers hold no thread (Varnish parks them), so threads bound answers in flight, not viewers; the queue holds the
 * rest instead of dropping them (the default limit is 20).
 */
const THREAD_PARAMS = ['thread_pool_min=100', 'thread_pool_max=300', 'thread_queue_limit=100000'];
/** Players reload every part (a fraction of a second) but may pause: 60 s idle before a connection is closed. */
const IDLE_TIMEOUT_SEC = 60;

export function ensureVarnish(): void {
  ensurePackages('Varnish Cache (varnishd)', ['varnish'], () => existsSync(VARNISHD));
}

export async function startVarnishEdge(options: EdgeOptions): Promise<EdgeCache> {
  const origin = parseOrigin(options.origin);
  ensureVarnish();
  return startInSlot(options, 'varnish', async ({ host, port, dir }) => {
    const vclPath = join(dir, 'glint-edge.vcl');
    writeFileSync(vclPath, renderVcl(origin));
    const instance = join(dir, 'instance');
    const args = [
      '-F',
      // No privilege drop: the working folder belongs to whoever runs the edge.
      '-j',
      'none',
      '-n',
      instance,
      '-a',
      `${host.includes(':') ? `[${host}]` : host}:${port}`,
      '-f',
      vclPath,
      '-s',
      `malloc,${options.cacheMb ?? 256}m`,
      ...[
        ...THREAD_PARAMS,
        `timeout_idle=${options.idleTimeoutSec ?? IDLE_TIMEOUT_SEC}`,
        'listen_depth=65535',
        ...(options.varnishParams ?? []),
      ].flatMap((p) => ['-p', p]),
    ];
    const child = await runEdgeProcess(VARNISHD, args, { host, port });
    return {
      kind: 'varnish',
      host,
      port,
      url: (path) => `http://${host}:${port}${path}`,
      originRequests: async () => (await varnishCounters(instance))['MAIN.backend_req'] ?? 0,
      stats: () => varnishCounters(instance),
      stop: () => child.stop(),
    };
  });
}

/** Varnish's own counters (varnishstat), by name: MAIN.backend_req, MAIN.cache_hit, MAIN.busy_sleep… */
export async function varnishCounters(instance: string): Promise<Record<string, number>> {
  const { stdout } = await run('varnishstat', ['-n', instance, '-1', '-j'], { maxBuffer: 16 * 1024 * 1024 });
  const parsed = JSON.parse(stdout) as { counters?: Record<string, { value?: number }> };
  const counters: Record<string, number> = {};
  for (const [name, counter] of Object.entries(parsed.counters ?? {})) counters[name] = Number(counter.value ?? 0);
  return counters;
}
