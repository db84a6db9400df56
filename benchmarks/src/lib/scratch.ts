import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Everything a run leaves behind: child processes (publishers, the peer) and temp folders. `cleanUp()` is synchronous
 * so it also works from an 'exit' handler or the watchdog.
 */
export class Scratch {
  readonly #children = new Set<ChildProcess>();
  readonly #dirs = new Set<string>();

  dir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.#dirs.add(dir);
    return dir;
  }

  spawn(command: string, args: readonly string[], options: SpawnOptions): Child {
    const child = spawn(command, args, options);
    this.#children.add(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const exited = new Promise<number | null>((resolve) => {
      child.on('exit', (code) => {
        this.#children.delete(child);
        resolve(code);
      });
      child.on('error', () => {
        this.#children.delete(child);
        resolve(null);
      });
    });
    return { process: child, exited, stderr: () => stderr };
  }

  /** SIGKILL one child and wait for it, so the next measure does not share the CPU with it. */
  async stop(child: Child): Promise<void> {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await child.exited;
  }

  cleanUp(): void {
    for (const child of this.#children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    this.#children.clear();
    for (const dir of this.#dirs) rmSync(dir, { recursive: true, force: true });
    this.#dirs.clear();
  }
}

export interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /** The last few KB the child wrote on stderr. */
  stderr(): string;
}
