import { execFileSync } from 'node:child_process';

/** Fails with a message naming the missing tool instead of an ENOENT deep inside a measure. */
export function requireTools(...tools: string[]): void {
  for (const tool of tools) {
    try {
      execFileSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' });
    } catch {
      throw new Error(`this benchmark needs ${tool} on the PATH (Debian/Ubuntu: apt-get install -y ffmpeg bash)`);
    }
  }
}
