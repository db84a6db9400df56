/**
 * Runs an edge cache as a child process: a high descriptor limit (an edge holds one socket per viewer), killed with
 * this process even when it is SIGKILLed (util-linux's setpriv sets the parent-death signal, then execs), and
 * stopped for sure (SIGTERM, then SIGKILL).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EdgeCache, EdgeOptions } from './edge-cache.ts';

/** The cache's program is missing and could not be installed. */
export class EdgeToolMissingError extends Error {
  readonly code = 'EDGE_TOOL_MISSING';
  constructor(tool: string, packages: readonly string[], detail: string) {
    super(`${tool} is missing (${detail}); install it as root with: apt-get install -y ${packages.join(' ')}`);
    this.name = 'EdgeToolMissingError';
  }
}

/** The cache exited or did not listen in time; the message carries the end of its output. */
export class EdgeStartError extends Error {
  readonly code = 'EDGE_START_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'EdgeStartError';
  }
}

/** Installs `packages` with apt-get when `present()` is false and this process is root; else a clear error. */
export function ensurePackages(tool: string, packages: readonly string[], present: () => boolean): void {
  if (present()) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) throw new EdgeToolMissingError(tool, packages, 'not root, so not installed here');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'pipe', env });
  try {
    install();
  } catch {
    try {
      execFileSync('apt-get', ['update'], { stdio: 'pipe', env });
      install();
    } catch (error) {
      throw new EdgeToolMissingError(tool, packages, `apt-get failed: ${String(error).slice(0, 300)}`);
    }
  }
  if (!present()) throw new EdgeToolMissingError(tool, packages, 'still missing after apt-get install');
}

export function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
}

/** A TCP port free on 127.0.0.1 now (the cache binds it next; a lost race is retried by the caller). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new EdgeStartError('no free port on 127.0.0.1');
  return address.port;
}

export interface EdgeProcess {
  readonly pid: number;
  /** The last ~8 KB of its output. */
  output(): string;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Raises the descriptor limit as far as allowed, then execs the program (same pid, so signals reach it). */
const RAISE_LIMIT = 'ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';
const SETPRIV = '/usr/bin/setpriv';

/** Starts `command` and resolves once `host:port` accepts connections (or rejects with its output). */
export async function runEdgeProcess(
  command: string,
  args: readonly string[],
  listen: { readonly host: string; readonly port: number },
  timeoutMs = 15_000,
): Promise<EdgeProcess> {
  const shell = ['sh', '-c', RAISE_LIMIT, 'sh', command, ...args];
  const argv = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...shell] : shell;
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      children.delete(child);
      resolve();
    });
    child.once('error', (error) => {
      keep(Buffer.from(`spawn ${command} failed: ${error.message}\n`));
      children.delete(child);
      resolve();
    });
  });
  const stop = async () => {
    if (!children.has(child)) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(listen.host, listen.port))) {
    if (!children.has(child) || Date.now() > deadline) {
      const why = children.has(child) ? `did not listen on ${listen.port} within ${timeoutMs} ms` : 'exited';
      await stop();
      throw new EdgeStartError(`${command} ${why}:\n${output.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { pid: child.pid ?? 0, output: () => output, stop };
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Where one edge runs: its listening address and its working folder. */
export interface EdgeSlot {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
}

/**
 * Runs `start` on the given port or a free one, in the given working folder or a temporary one of its own (removed
 * when the start fails and at stop); a free port lost to another process in between is tried again, twice.
 */
export async function startInSlot(
  options: Pick<EdgeOptions, 'host' | 'port' | 'workDir'>,
  name: string,
  start: (slot: EdgeSlot) => Promise<EdgeCache>,
): Promise<EdgeCache> {
  const host = options.host ?? '127.0.0.1';
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const ownDir = options.workDir === undefined;
    const dir = options.workDir ?? mkdtempSync(join(tmpdir(), `glint-${name}-`));
    mkdirSync(dir, { recursive: true });
    const removeDir = () => {
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    };
    try {
      const edge = await start({ host, port, dir });
      return {
        ...edge,
        stop: async () => {
          await edge.stop();
          removeDir();
        },
      };
    } catch (error) {
      removeDir();
      const lostRace = error instanceof EdgeStartError && /Address already in use/i.test(error.message);
      if (!lostRace || options.port !== undefined || attempt >= 3) throw error;
    }
  }
}
