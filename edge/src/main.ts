/**
 * `npm run edge -- --origin http://127.0.0.1:8080 [--port 8090] [--host 0.0.0.0] [--cache varnish|nginx]
 * [--cache-mb 1024]`: an LL-HLS edge cache in front of a Glint origin, in the foreground until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import type { EdgeKind } from './edge-cache.ts';
import { startEdge } from './index.ts';

const USAGE =
  'usage: npm run edge -- --origin http://HOST:PORT [--port 8090] [--host 127.0.0.1] [--cache varnish|nginx] [--cache-mb 256]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function positiveInt(value: string | undefined, name: string, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > 65535 * 1024)
    fail(`--${name} must be a positive whole number, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        origin: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        cache: { type: 'string' },
        'cache-mb': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const origin = typeof values.origin === 'string' ? values.origin : fail('--origin is required');
  const kind = (values.cache ?? 'varnish') as string;
  if (kind !== 'varnish' && kind !== 'nginx') fail(`--cache must be varnish or nginx, got "${kind}"`);
  const port = positiveInt(values.port as string | undefined, 'port', 8090);
  const cacheMb = positiveInt(values['cache-mb'] as string | undefined, 'cache-mb', undefined);
  const edge = await startEdge(kind as EdgeKind, {
    origin,
    host: typeof values.host === 'string' ? values.host : '127.0.0.1',
    ...(port !== undefined ? { port } : {}),
    ...(cacheMb !== undefined ? { cacheMb } : {}),
  }).catch((error: Error) => fail(`the edge did not start: ${error.message}`));
  process.stdout.write(
    `Glint edge (${edge.kind}) on ${edge.url('/')} caching ${origin}; players use ${edge.url('/live/<channel>/index.m3u8')}\n`,
  );
  const stop = () => {
    void edge.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
