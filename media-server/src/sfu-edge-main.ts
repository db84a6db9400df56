/**
 * `npm run sfu:edge -- --origin http://ORIGIN:8080 [--port 8091] [--host 127.0.0.1] [--public-ip A.B.C.D]
 * [--engine auto|werift|mediasoup]`: an edge SFU in front of a Glint origin, in the foreground until Ctrl-C. Viewers
 * POST their WHEP offers to http://EDGE:PORT/whep/<channel>.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startSfuEdge } from './sfu-edge.ts';

const USAGE =
  'usage: npm run sfu:edge -- --origin http://HOST:PORT [--port 8091] [--host 127.0.0.1] [--public-ip IP] [--engine auto|werift|mediasoup] [--edge-token T (or GLINT_EDGE_TOKEN)]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined> = {};
try {
  ({ values } = parseArgs({
    options: {
      origin: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'public-ip': { type: 'string' },
      engine: { type: 'string' },
      'edge-token': { type: 'string' },
      help: { type: 'boolean' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const origin = typeof values.origin === 'string' ? values.origin : fail('--origin is required');
try {
  new URL(origin);
} catch {
  fail(`--origin must be a URL such as http://10.0.0.1:8080, got "${origin}"`);
}
const port = values.port === undefined ? 8091 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got "${values.port}"`);
const engine = (values.engine ?? 'auto') as string;
if (engine !== 'auto' && engine !== 'werift' && engine !== 'mediasoup') {
  fail(`--engine must be auto, werift or mediasoup, got "${engine}"`);
}
const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
const publicIp = typeof values['public-ip'] === 'string' ? values['public-ip'] : undefined;
// The token from the command line or GLINT_EDGE_TOKEN (kept out of `ps` that way).
const edgeToken = typeof values['edge-token'] === 'string' ? values['edge-token'] : process.env.GLINT_EDGE_TOKEN;
const logger = pino({ level: process.env.GLINT_LOG_LEVEL ?? 'info' });
const edge = await startSfuEdge({
  origin,
  host,
  port,
  engine,
  ...(edgeToken ? { edgeToken } : {}),
  ice: { bindAddress: host, ...(publicIp ? { publicIps: [publicIp] } : {}) },
  logger,
}).catch((error: Error) => fail(`the edge SFU did not start: ${error.message}`));
process.stdout.write(
  `Glint edge SFU (${edge.sfu.engine}) on ${edge.url('/')} relaying ${origin}; viewers POST WHEP offers to ${edge.url('/whep/<channel>')}\n`,
);
const stop = () => {
  void edge.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
