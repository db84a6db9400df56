/**
 * An edge SFU as its own process in its own network namespace (standing for another machine): `npm run sfu:edge`'s
 * entry point run with `ip netns exec`, listening on the namespace's address, pulling from the origin across the
 * veth pair. Stopped (SIGKILL) by the Scratch that started it.
 */
import { fileURLToPath } from 'node:url';
import { until } from '@glint/testkit';
import type { Child, Scratch } from '../lib/scratch.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// node itself with tsx's loader, not the tsx CLI: the CLI runs node as a child, which a SIGKILL to it would orphan.
const TSX_LOADER = `${ROOT}node_modules/tsx/dist/loader.mjs`;
const ENTRY = `${ROOT}media-server/src/sfu-edge-main.ts`;

export interface EdgeProcess {
  readonly child: Child;
  readonly url: string;
  readonly engine: string;
}

export async function startEdgeProcess(
  scratch: Scratch,
  options: { namespace: string; address: string; port: number; origin: string; engine: 'werift' | 'mediasoup' },
): Promise<EdgeProcess> {
  const child = scratch.spawn(
    'ip',
    [
      ...['netns', 'exec', options.namespace, process.execPath, '--import', TSX_LOADER, ENTRY],
      ...['--origin', options.origin, '--host', options.address, '--port', String(options.port)],
      ...['--engine', options.engine],
    ],
    {
      stdio: ['ignore', 'inherit', 'pipe'],
      env: { ...process.env, GLINT_LOG_LEVEL: process.env.GLINT_LOG_LEVEL ?? 'warn' },
    },
  );
  const url = `http://${options.address}:${options.port}`;
  const health = await until(
    async () => {
      if (child.process.exitCode !== null)
        throw new Error(`the edge exited ${child.process.exitCode}: ${child.stderr()}`);
      const res = await fetch(`${url}/healthz`).catch(() => null);
      return res?.ok ? ((await res.json()) as { engine: string }) : undefined;
    },
    { what: `the ${options.engine} edge SFU in ${options.namespace}`, timeoutMs: 30_000, intervalMs: 200 },
  );
  return { child, url, engine: health.engine };
}
