/**
 * `npm run chat -- --port 8090`: one chat pod on its own. Many pods behind a load balancer share PostgreSQL and
 * Redis (REDIS_URL); without Redis the pod keeps chat in its own memory.
 */
import { createServer } from 'node:http';
import { Platform } from '@glint/platform';
import { pino } from 'pino';
import pretty from 'pino-pretty';
import { MemoryChatBus } from './adapters/memory-chat-bus.ts';
import { RedisChatBus } from './adapters/redis-chat-bus.ts';
import type { ChatBus } from './hub/chat-bus.ts';
import { ChatServer } from './server/chat-server.ts';
import { loadPodConfig, type PodConfig, PodConfigError } from './server/pod-config.ts';

let config: PodConfig;
try {
  config = loadPodConfig(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof PodConfigError)) throw error;
  process.stderr.write(`Glint chat cannot start: ${error.message}\n`);
  process.exit(1);
}

const tty = process.stdout.isTTY === true;
const json = config.logFormat === 'json' || (config.logFormat === 'auto' && !tty);
const logOptions = {
  level: config.logLevel,
  redact: { paths: ['token', '*.token', '*.authorization'], censor: '[redacted]' },
};
const log = json
  ? pino(logOptions)
  : pino(logOptions, pretty({ colorize: tty, sync: true, singleLine: true, ignore: 'pid,hostname' }));

let platform: Platform;
try {
  platform = await Platform.open({ databaseUrl: config.databaseUrl, logger: log, reconnectGraceMs: 5000 });
} catch (error) {
  process.stderr.write(`Glint chat cannot open its database: ${(error as Error).message}\n`);
  process.exit(1);
}
let bus: ChatBus;
try {
  bus = config.redisUrl
    ? await RedisChatBus.connect({ url: config.redisUrl, logger: log })
    : new MemoryChatBus({ logger: log });
} catch (error) {
  process.stderr.write(`Glint chat cannot reach Redis: ${(error as Error).message}\n`);
  await platform.close();
  process.exit(1);
}
const chat = new ChatServer({ platform, bus, logger: log });
const http = createServer((_request, response) => {
  response.writeHead(404, { 'content-type': 'text/plain' }).end('chat is a WebSocket at /chat\n');
});
http.on('upgrade', (request, socket, head) => chat.handleUpgrade(request, socket, head));
http.on('error', (err) => {
  log.fatal(
    { err },
    (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'the port is taken: --port' : 'listen failed',
  );
  process.exit(1);
});
http.listen(config.port, config.host, () => {
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info(
    { host: config.host, port, fanOut: config.redisUrl ? 'redis' : 'memory' },
    `chat pod listening on ws://${config.host}:${port}/chat`,
  );
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'chat pod shutting down');
  await chat.close();
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  await bus.close();
  await platform.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
