/**
 * The load generator, in its own process so that it does not share an event loop with the server it loads: a
 * warm-up run of autocannon (discarded), then the measured run, whose every 2xx latency is kept unrounded
 * (autocannon's own histogram keeps whole milliseconds, too coarse for sub-millisecond replies on loopback).
 */
import autocannon from 'autocannon';
import { summarize } from '../lib/stats.ts';
import type { LoadJob, LoadMessage } from './load-protocol.ts';

const send = (message: LoadMessage) => process.send?.(message);
/** Resolves once the message is handed to the channel, so exiting right after does not lose it. */
const sendFlushed = (message: LoadMessage) =>
  new Promise<void>((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });

interface RunCounts {
  readonly latenciesMs: number[];
  non2xx: number;
}

function run(job: LoadJob, seconds: number, label: string): Promise<{ counts: RunCounts; result: autocannon.Result }> {
  const counts: RunCounts = { latenciesMs: [], non2xx: 0 };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.origin,
        connections: job.connections,
        duration: seconds,
        requests: job.paths.map((path) => ({ method: 'GET' as const, path })),
        timeout: 10,
      },
      (error, result) => (error ? reject(error) : resolve({ counts, result })),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode >= 200 && statusCode < 300) counts.latenciesMs.push(responseTimeMs);
      else counts.non2xx++;
    });
    let tick = 0;
    instance.on('tick', () => {
      tick++;
      send({ type: 'progress', text: `${label} ${tick}/${seconds} s, ${counts.latenciesMs.length} replies` });
    });
  });
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as LoadJob;
  await run(job, job.warmSec, 'warm-up');
  send({ type: 'measuring' });
  const cpuBefore = process.cpuUsage();
  const { counts, result } = await run(job, job.measureSec, 'measuring');
  const cpu = process.cpuUsage(cpuBefore);
  const windowSec = result.duration;
  await sendFlushed({
    type: 'result',
    result: {
      ok: counts.latenciesMs.length,
      non2xx: counts.non2xx,
      errors: result.errors,
      windowSec,
      requestsPerSec: counts.latenciesMs.length / windowSec,
      latencyMs: summarize(counts.latenciesMs),
      loadGenCpuPct: ((cpu.user + cpu.system) / 1000 / (windowSec * 1000)) * 100,
    },
  });
}

// The parent going away closes the channel: stop rather than load a server nobody measures.
process.on('disconnect', () => process.exit(0));
main()
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    await sendFlushed({
      type: 'failed',
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    process.exit(1);
  });
