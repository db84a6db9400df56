/**
 * Glint's side: one chat pod as `npm run chat` runs it for a deployment: a ChatServer on a bare node:http server
 * (upgrade on /chat), fanning out through RedisChatBus on the machine's Redis under its own key prefix, over a
 * platform on SQLite in a temp file seeded with the load's rooms (channels) and senders (accounts with a session).
 * Per-user and per-address limits are raised for the run (RUN_LIMITS); batching, buffers and history keep their
 * defaults.
 */
import { createServer } from 'node:http';
import { type ChatLimits, ChatServer, DEFAULT_CHAT_LIMITS, RedisChatBus } from '@glint/chat';
import { silentLogger } from '@glint/media-core';
import { Platform } from '@glint/platform';
import { listenOnLoopback, type RunningServer } from './running-server.ts';

/** One sender sends a few messages a second and 20,000 clients come from 16 addresses: lift what would refuse them. */
export const RUN_LIMITS: Partial<ChatLimits> = {
  messagesPerSecond: 1000,
  subscriberMessagesPerSecond: 1000,
  framesPerSecond: 1000,
  maxConnectionsPerAddress: 1_000_000,
  maxConnections: 1_000_000,
};

export function describeRunLimits(): string {
  const changed = Object.entries(RUN_LIMITS).map(
    ([key, value]) => `${key} ${DEFAULT_CHAT_LIMITS[key as keyof ChatLimits]} → ${value}`,
  );
  return `limits raised for the run: ${changed.join(', ')}`;
}

export async function startGlintPod(options: {
  readonly rooms: readonly string[];
  readonly senders: readonly string[];
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly databaseFile: string;
}): Promise<RunningServer> {
  const platform = await Platform.open({
    databaseUrl: `sqlite:${options.databaseFile}`,
    logger: silentLogger,
    reconnectGraceMs: 5000,
  });
  for (const room of options.rooms) await platform.seedChannel(room, room);
  const tokens: string[] = [];
  for (const login of options.senders) {
    const user = await platform.accounts.createUser(login, null);
    tokens.push((await platform.accounts.openSession(user)).token);
  }
  const bus = await RedisChatBus.connect({
    url: options.redisUrl,
    keyPrefix: options.redisPrefix,
    logger: silentLogger,
  });
  const chat = new ChatServer({ platform, bus, logger: silentLogger, limits: RUN_LIMITS });
  const http = createServer((_request, response) => response.writeHead(404).end());
  http.on('upgrade', (request, socket, head) => chat.handleUpgrade(request, socket, head));
  return listenOnLoopback(http, tokens, async () => {
    await chat.close();
    http.close();
    await bus.close();
    await platform.close();
  });
}
