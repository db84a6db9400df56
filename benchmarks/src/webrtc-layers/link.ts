/**
 * A viewer's network path with a bandwidth cap: a network namespace joined to the root one by a veth pair, Glint
 * on the root end's address and the viewer (Chromium) inside the namespace. The cap is `tc tbf` on the root end,
 * so it shapes what the server sends the viewer (tail drop beyond the bucket's queue); the way back is free.
 * Needs root and iproute2. Everything is removed by `close()`, and on exit (see `removeOnExit`).
 */
import { execFileSync } from 'node:child_process';

export interface CappedLink {
  /** The root end's address (Glint listens here). */
  readonly serverAddress: string;
  readonly viewerAddress: string;
  readonly namespace: string;
  /** Caps the server → viewer direction at `kbps` with a queue of `queueMs`; null lifts the cap. */
  setCap(kbps: number | null, queueMs?: number): void;
  close(): void;
}

function run(args: readonly string[]): void {
  try {
    execFileSync(args[0] ?? '', args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`${args.join(' ')} failed: ${stderr || String(error)} (needs root, iproute2 and tc)`);
  }
}

/** `index` (0–63) picks the names and the /30 subnet, so runs side by side do not collide. */
export function openCappedLink(index = process.pid % 64): CappedLink {
  const namespace = `glint-lyr${index}`;
  const hostIf = `glyh${index}`;
  const viewIf = `glyv${index}`;
  const serverAddress = `10.78.${index}.1`;
  const viewerAddress = `10.78.${index}.2`;
  const remove = () => {
    for (const args of [
      ['ip', 'netns', 'del', namespace],
      ['ip', 'link', 'del', hostIf],
    ]) {
      try {
        execFileSync(args[0] ?? '', args.slice(1), { stdio: 'ignore' });
      } catch {
        // Not there (already removed, or deleting the namespace took its veth end with it).
      }
    }
  };
  remove();
  run(['ip', 'netns', 'add', namespace]);
  try {
    run(['ip', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', viewIf]);
    run(['ip', 'link', 'set', viewIf, 'netns', namespace]);
    run(['ip', 'addr', 'add', `${serverAddress}/30`, 'dev', hostIf]);
    run(['ip', 'link', 'set', hostIf, 'up']);
    run(['ip', 'netns', 'exec', namespace, 'ip', 'addr', 'add', `${viewerAddress}/30`, 'dev', viewIf]);
    run(['ip', 'netns', 'exec', namespace, 'ip', 'link', 'set', viewIf, 'up']);
    run(['ip', 'netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (error) {
    remove();
    throw error;
  }
  process.on('exit', remove);
  let capped = false;
  return {
    serverAddress,
    viewerAddress,
    namespace,
    setCap(kbps, queueMs = 300) {
      if (kbps === null) {
        if (capped) run(['tc', 'qdisc', 'del', 'dev', hostIf, 'root']);
        capped = false;
        return;
      }
      // The bucket holds a few packets' worth (a burst a real bottleneck would pass); the queue beyond it, queueMs.
      const burstBytes = Math.max(3000, Math.round((kbps * 1000) / 8 / 100));
      run([
        'tc',
        'qdisc',
        'replace',
        'dev',
        hostIf,
        'root',
        'tbf',
        'rate',
        `${kbps}kbit`,
        'burst',
        String(burstBytes),
        'latency',
        `${queueMs}ms`,
      ]);
      capped = true;
    },
    close() {
      process.off('exit', remove);
      remove();
    },
  };
}
