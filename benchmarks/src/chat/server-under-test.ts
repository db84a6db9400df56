/** The parent's handle on a chat server child: start it with the run's rooms and senders, read its stats, stop it. */
import { procCpuMs } from '../ingest/cpu.ts';
import type { Scratch } from '../lib/scratch.ts';
import { type NodeChild, startNodeChild } from '../webrtc/children.ts';
import type { ServerCommand, ServerKind, ServerStats, StartedServer, Target } from './ipc.ts';
import { type ChatPlan, roomsOf, senderCount, senderLogin } from './plan.ts';

const START_TIMEOUT_MS = 60_000;
/** A saturated server answers late: its event loop is behind its sockets. */
const STATS_TIMEOUT_MS = 30_000;

export interface ServerUnderTest {
  readonly kind: ServerKind;
  readonly started: StartedServer;
  readonly target: Target;
  stats(gc: boolean): Promise<ServerStats>;
  /**
   * The server's CPU so far (user + system, ms), read from /proc by this process: a saturated server answers IPC
   * late, and two late answers read in one tick would show no CPU at all.
   */
  cpuMs(): number;
  /** Starts V8's CPU profiler in the server; the returned stop writes the profile to `file`. */
  profile(): Promise<(file: string) => Promise<void>>;
  stop(): Promise<void>;
}

export async function startServerUnderTest(
  scratch: Scratch,
  kind: ServerKind,
  plan: ChatPlan,
): Promise<ServerUnderTest> {
  const node: NodeChild<ServerCommand> = await startNodeChild(scratch, '../chat/server-child.ts', `${kind} server`);
  try {
    const pid = node.child.process.pid;
    if (pid === undefined) throw new Error(`the ${kind} server child has no pid`);
    const started = await node.rpc.call<StartedServer>(
      {
        type: 'start',
        kind,
        rooms: roomsOf(plan),
        senders: Array.from({ length: senderCount(plan) }, (_, i) => senderLogin(i)),
        redisPrefix: redisPrefixOf(kind),
      },
      START_TIMEOUT_MS,
    );
    return {
      kind,
      started,
      target: { kind, port: started.port, tokens: started.tokens },
      stats: (gc) => node.rpc.call<ServerStats>({ type: 'stats', gc }, STATS_TIMEOUT_MS),
      cpuMs: () => procCpuMs(pid),
      profile: async () => {
        await node.rpc.call({ type: 'profile-start' }, STATS_TIMEOUT_MS);
        return async (file) => {
          await node.rpc.call({ type: 'profile-stop', file }, STATS_TIMEOUT_MS);
        };
      },
      stop: async () => {
        await node.rpc.call({ type: 'stop' }, STATS_TIMEOUT_MS).catch(() => {});
        await scratch.stop(node.child);
      },
    };
  } catch (error) {
    await scratch.stop(node.child);
    throw error;
  }
}

/** Every Redis key of this run's servers starts with RUN_REDIS_PREFIX. */
export const RUN_REDIS_PREFIX = `glint-bench-chat:${process.pid}:`;
function redisPrefixOf(kind: ServerKind): string {
  return `${RUN_REDIS_PREFIX}${kind}:`;
}

/** Whether the chat package in this tree has a pod to measure yet (the harness runs the peer alone otherwise). */
export async function glintChatAvailable(): Promise<boolean> {
  try {
    const chat: Record<string, unknown> = await import('@glint/chat');
    return typeof chat.ChatServer === 'function' && typeof chat.RedisChatBus === 'function';
  } catch {
    return false;
  }
}
