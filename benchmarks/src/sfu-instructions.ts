/**
 * `npm run bench:sfu:instructions`: the fan-out comparison of bench:webrtc in instructions instead of CPU time, which
 * hold on a busy machine. One synthetic H.264 source, forwarded in turn by a bare dgram fan-out (the peer), Glint's
 * werift engine and its mediasoup engine (when the worker is built), each in a harness process under callgrind
 * (mediasoup's worker traced too), to the same receivers in an untraced child. Prints instructions per forwarded
 * packet at two receiver counts, writes a chart and the numbers under benchmarks/results/. Stops by itself
 * (watchdog); kills every child and removes its temp folders, also on error. `--only=peer,werift` runs some.
 */
import { cpus, loadavg } from 'node:os';
import { readyMediasoup } from '@glint/media-server';
import { guardRun } from './lib/guard.ts';
import { progress } from './lib/progress.ts';
import { writeResults } from './lib/results.ts';
import { Scratch } from './lib/scratch.ts';
import { requireCallgrind } from './sfu-instructions/callgrind.ts';
import { packetsPerSecond } from './sfu-instructions/h264-packets.ts';
import { type ForwarderPass, measureForwarder } from './sfu-instructions/measure.ts';
import type { Forwarder } from './sfu-instructions/protocol.ts';
import { chartInstructions, LABELS, methodOf, printInstructions } from './sfu-instructions/report.ts';
import { OPTIONS, SOURCE_PATTERN } from './sfu-instructions/settings.ts';
import { startNodeChild } from './webrtc/children.ts';
import type { LoadCommand } from './webrtc/protocol.ts';

/** Three passes of ~7 minutes each (a minute and a half of it Node loading under callgrind), with room to spare. */
const WATCHDOG_MS = 45 * 60_000;

/** `--only=werift,mediasoup` measures those forwarders alone (ratios then lack the ones left out). */
const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
  .filter((f): f is Forwarder => f === 'peer' || f === 'werift' || f === 'mediasoup');
const scratch = new Scratch();
guardRun('bench:sfu:instructions', scratch, WATCHDOG_MS);
// mediasoup's worker is the harness's child, not ours: it goes when the harness does, and here if it has not.
let workerPids: readonly number[] = [];
process.on('exit', () => {
  for (const pid of workerPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function main(): Promise<void> {
  requireCallgrind();
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const forwarders: Forwarder[] = [...(ONLY ?? ['peer', 'werift', 'mediasoup'])];
  const skipped: string[] = [];
  if (forwarders.includes('mediasoup') && !readyMediasoup()) {
    forwarders.splice(forwarders.indexOf('mediasoup'), 1);
    skipped.push('mediasoup rows skipped: its worker is not built (npm run sfu:build builds it once, 3–10 minutes).');
  }
  const receivers = await startNodeChild<LoadCommand>(scratch, './viewers-child.ts', 'receivers');
  const passes: ForwarderPass[] = [];
  for (const forwarder of forwarders) {
    const p = progress(forwarder);
    try {
      const pass = await measureForwarder(
        scratch,
        receivers,
        forwarder,
        OPTIONS,
        (t) => p.update(t),
        (pids) => {
          workerPids = pids.slice(1);
        },
      );
      passes.push(pass);
      p.done(`${pass.windows.length} windows`);
    } catch (error) {
      if (forwarder !== 'mediasoup') throw error;
      p.done('failed');
      skipped.push(`mediasoup rows skipped: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      workerPids = [];
    }
  }
  const loadAfter = loadavg()[0] ?? Number.NaN;
  const windowS = (OPTIONS.slices * OPTIONS.sliceMs) / 1000;
  const method = methodOf(
    SOURCE_PATTERN,
    OPTIONS,
    `Machine: ${machine}; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (instruction counts do not move with load).`,
  );
  const figures = printInstructions(passes, method, skipped);
  const chart = await chartInstructions(
    figures,
    `${packetsPerSecond(SOURCE_PATTERN).toFixed(0)} packets/s source, ${windowS} s windows of ${OPTIONS.sliceMs / 1000} s slices; ${machine}`,
  );
  const json = writeResults('sfu-instructions', {
    machine,
    loadAverage: { before: loadBefore, after: loadAfter },
    source: SOURCE_PATTERN,
    options: OPTIONS,
    labels: LABELS,
    passes,
    figures,
    skipped,
  });
  process.stderr.write(`chart: ${chart}\nnumbers: ${json}\n`);
}

main()
  .then(() => {
    scratch.cleanUp();
    process.exit(0);
  })
  .catch((error: unknown) => {
    process.stderr.write(
      `bench:sfu:instructions failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    scratch.cleanUp();
    process.exit(1);
  });
