/**
 * What every peer of the latency benchmark shares: free ports on 127.0.0.1, Debian packages installed on demand,
 * and a child process that is stopped for sure (SIGTERM, then SIGKILL; killed with this process if it dies first).
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** A tool a peer needs is missing and could not be installed. */
export class ToolMissingError extends Error {
  readonly code = 'TOOL_MISSING';
  constructor(
    readonly tool: string,
    readonly packages: readonly string[],
    detail = '',
  ) {
    super(
      `${tool} is needed for this peer but is missing; install it as root with: ` +
        `apt-get install -y --no-install-recommends ${packages.join(' ')}${detail ? ` (${detail})` : ''}`,
    );
    this.name = 'ToolMissingError';
  }
}

/** A peer process exited or failed to come up. */
export class PeerStartError extends Error {
  readonly code = 'PEER_START_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'PeerStartError';
  }
}

/** Installs Debian packages on demand (as root) and finds free ports: the edge launcher's own, shared. */
export { ensurePackages as ensureDebianPackages, freePort, onPath } from '@glint/edge';

/**
 * Whether something listens on 127.0.0.1:port (or any address), read from /proc/net/tcp: no probe connection, which
 * matters for ffmpeg's one-shot `-listen 1` RTMP server.
 */
export function isListening(port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is "HEXIP:HEXPORT", st 0A is LISTEN.
      if (fields[3] === '0A' && fields[1]?.endsWith(`:${hexPort}`)) return true;
    }
  }
  return false;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface PeerProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null: killed by a signal) once the process is gone. */
  readonly exited: Promise<number | null>;
  /** The last ~8 KB of stdout and stderr, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * util-linux's setpriv sets the parent-death signal and then execs the command (same pid), so a peer is killed even
 * when this process is (a test worker SIGKILLed on timeout) instead of holding its ports; the 'exit' hook below
 * cannot run then.
 */
const SETPRIV = '/usr/bin/setpriv';
const dieWithParent = existsSync(SETPRIV);

export function spawnPeer(command: string, args: readonly string[], options: SpawnOptions = {}): PeerProcess {
  const [file, argv] = dieWithParent
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]]
    : [command, [...args]];
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
    child.once('error', (error) => {
      live.delete(child);
      keep(Buffer.from(`\nspawn ${command} failed: ${error.message}\n`));
      resolve(null);
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null && live.has(child);
  return {
    child,
    exited,
    output: () => output,
    stop: async (graceMs = 3000) => {
      if (!running()) return void (await exited);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Waits until every port listens, failing early with the process's output when it exits first (a lost port race
 * shows up here as an exit).
 */
export async function waitForListen(
  peer: PeerProcess,
  ports: readonly number[],
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let gone = false;
  void peer.exited.then(() => {
    gone = true;
  });
  while (!ports.every(isListening)) {
    if (gone) throw new PeerStartError(`${what} exited before listening: ${peer.output().slice(-2000)}`);
    if (performance.now() > deadline) {
      throw new PeerStartError(
        `${what} did not listen on ${ports.join(', ')} within ${timeoutMs} ms: ${peer.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts a peer up to three times: two servers can pick the same free port between our check and their bind. */
export async function withPortRetry<T>(start: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof PeerStartError)) throw error;
      last = error;
    }
  }
  throw last;
}
