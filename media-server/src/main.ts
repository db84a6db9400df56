/** `npm start`: the whole platform in one process, with the demo channel broadcasting. */
import { DEMO_CHANNEL, Glint } from './app.ts';
import { type Config, ConfigError, loadConfig, redactConfig } from './config.ts';
import { type DemoBroadcast, startDemoBroadcast } from './demo/broadcaster.ts';
import { installProcessGuards } from './process-guards.ts';
import { buildEngineIfWanted } from './sfu-engine.ts';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  // Before any logger exists: one line a person can act on, not a stack trace.
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`Glint cannot start: ${error.message}\n`);
  process.exit(1);
}
let glint: Glint;
try {
  glint = await Glint.create({ config });
} catch (error) {
  // The database could not be opened or migrated, or Redis (GLINT_REDIS_URL) did not answer: one line saying which.
  process.stderr.write(`Glint cannot start: ${(error as Error).message}\n`);
  process.exit(1);
}
const log = glint.logger;
log.debug({ config: redactConfig(config) }, 'configuration');
let demo: DemoBroadcast | null = null;
installProcessGuards({ logger: log, beforeExit: () => demo?.stop() });

// The demo channel is an ordinary seeded channel; its key is the configured one, or a fresh one each start.
const demoStreamKey = await glint.platform.seedChannel(DEMO_CHANNEL.id, DEMO_CHANNEL.displayName, config.demoStreamKey);
try {
  await glint.start();
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  log.fatal(
    { err: error },
    code === 'EADDRINUSE'
      ? 'a port is taken: set GLINT_HTTP_PORT / GLINT_RTMP_PORT / GLINT_LLHLS_PORT'
      : 'start failed',
  );
  process.exit(1);
}

// mediasoup's worker, when the settings would use it and it is not built yet: built now, used from the next start.
const engineBuild = buildEngineIfWanted(config, log.child({ component: 'sfu' }));

const host = config.publicHost;
const http = `http://${host}:${glint.httpPort}`;
const key = demoStreamKey;
process.stdout.write(
  [
    '',
    'Glint is running.',
    `  Web app:    ${http}/   (sign up, then go live from ${http}/dashboard)`,
    `  Watch:      ${http}/watch/demo`,
    `  Playlist:   ${http}/live/demo/index.m3u8`,
    ...(glint.llhlsWorkers
      ? [
          `  LL-HLS:     http://${host}:${glint.llhlsWorkers.port}/live/demo/index.m3u8   (${config.llhlsWorkers} worker processes, for edge caches and big audiences)`,
        ]
      : []),
    `  OBS:        Server rtmp://${host}:${glint.rtmpPort}/live   Stream key ${key}`,
    `  API:        ${http}/api/docs   (OpenAPI: ${http}/api/openapi.json)`,
    `  Health:     ${http}/healthz   Metrics: ${http}/metrics`,
    `  WebRTC SFU: ${glint.sfu.engine}${engineBuild ? ` (${engineBuild})` : ''}`,
    config.demoBroadcast ? '  Demo:       broadcasting a test pattern to the demo channel' : '',
    '',
  ].join('\n'),
);

let stopping = false;
function runDemo(attempt = 0): void {
  if (stopping) return;
  demo = startDemoBroadcast({
    url: `rtmp://127.0.0.1:${glint.rtmpPort}/live/${demoStreamKey}`,
    onExit: (_code, error) => {
      if (stopping) return;
      log.warn({ err: error?.message }, 'demo broadcaster stopped; restarting');
      setTimeout(() => runDemo(attempt + 1), Math.min(30_000, 1000 * 2 ** attempt)).unref();
    },
  });
}
if (config.demoBroadcast) runDemo();

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  demo?.stop();
  await glint.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
