/** One chat pod on 127.0.0.1 for integration tests: a real platform, a bus, a ChatServer behind node:http. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@glint/media-core';
import type { Platform } from '@glint/platform';
import { openTestPlatform } from '@glint/testkit/platform';
import { MemoryChatBus } from '../src/adapters/memory-chat-bus.ts';
import type { ChatBus } from '../src/hub/chat-bus.ts';
import type { ChatLimits } from '../src/server/chat-limits.ts';
import { ChatServer, type ChatServerOptions } from '../src/server/chat-server.ts';
import { TestChatClient } from './chat-test-client.ts';

export interface TestPod {
  readonly server: ChatServer;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startTestPod(
  platform: Platform,
  bus: ChatBus,
  options: { limits?: Partial<ChatLimits> } & Partial<Pick<ChatServerOptions, 'viewers' | 'nowMs' | 'emotes'>> = {},
): Promise<TestPod> {
  const server = new ChatServer({ platform, bus, logger: silentLogger, ...options });
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  http.on('upgrade', (request, socket, head) => server.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    server,
    url: `ws://127.0.0.1:${port}/chat`,
    async stop() {
      await server.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** A signed-up user (with a channel of their own, so every user is also a room) and a session token. */
export async function testUser(
  platform: Platform,
  login: string,
): Promise<{ id: string; login: string; token: string }> {
  const user = await platform.signUp(login, 'correct horse battery');
  const session = await platform.accounts.logIn(login, 'correct horse battery');
  if (!session) throw new Error(`could not log ${login} in`);
  return { id: user.id, login, token: session.token };
}

/** A wall clock tests move forward (rate windows, timeouts, follow age) instead of waiting. */
export function testClock(): { nowMs: () => number; advance(ms: number): void } {
  let offsetMs = 0;
  return {
    nowMs: () => Date.now() + offsetMs,
    advance(ms: number) {
      offsetMs += ms;
    },
  };
}

/** A platform with signed-up users, one pod on a memory bus, and the clients a test opened (closed together). */
export interface ChatTestbed {
  readonly platform: Platform;
  readonly bus: MemoryChatBus;
  readonly pod: TestPod;
  /** Session token per signed-up login. */
  readonly tokens: Readonly<Record<string, string>>;
  /** Opens a client, signed in as `login` (Bearer) or anonymous. */
  connect(login?: string): Promise<TestChatClient>;
  close(): Promise<void>;
}

export async function startChatTestbed(
  logins: readonly string[],
  options: {
    clock?: { nowMs: () => number };
    historyLimit?: number;
    limits?: Partial<ChatLimits>;
    viewers?: (room: string) => number;
  } = {},
): Promise<ChatTestbed> {
  const nowMs = options.clock?.nowMs;
  const { platform } = await openTestPlatform([], nowMs ? { platform: { nowMs } } : {});
  const tokens: Record<string, string> = {};
  for (const login of logins) tokens[login] = (await testUser(platform, login)).token;
  const bus = new MemoryChatBus({
    ...(nowMs ? { nowMs } : {}),
    ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}),
  });
  const pod = await startTestPod(platform, bus, {
    ...(nowMs ? { nowMs } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.viewers ? { viewers: options.viewers } : {}),
  });
  const clients: TestChatClient[] = [];
  return {
    platform,
    bus,
    pod,
    tokens,
    async connect(login) {
      const client = await TestChatClient.open(pod.url, login ? { bearer: tokens[login] as string } : {});
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await pod.stop();
      await platform.close();
    },
  };
}
