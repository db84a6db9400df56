/** Runs one load job in a child process and reads this process's CPU (the server's) over the same window. */
import { fileURLToPath } from 'node:url';
import type { Scratch } from '../lib/scratch.ts';
import type { LoadJob, LoadMessage, LoadResult } from './load-protocol.ts';

export interface LoadRun {
  readonly load: LoadResult;
  /** CPU of this process (the server under test runs in it) over the measured window, % of one core. */
  readonly serverCpuPct: number;
}

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));

export async function runLoad(scratch: Scratch, job: LoadJob, onProgress: (text: string) => void): Promise<LoadRun> {
  // process.execArgv carries tsx's loader when the benchmark runs under tsx.
  const child = scratch.spawn(process.execPath, [...process.execArgv, CHILD, JSON.stringify(job)], {
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let cpuStart: NodeJS.CpuUsage | undefined;
  let wallStartMs = 0;
  const outcome = new Promise<LoadRun>((resolve, reject) => {
    child.process.on('message', (message: LoadMessage) => {
      if (message.type === 'progress') onProgress(message.text);
      else if (message.type === 'measuring') {
        cpuStart = process.cpuUsage();
        wallStartMs = performance.now();
      } else if (message.type === 'result') {
        const cpu = process.cpuUsage(cpuStart);
        const cpuMs = (cpu.user + cpu.system) / 1000;
        resolve({ load: message.result, serverCpuPct: (cpuMs / (performance.now() - wallStartMs)) * 100 });
      } else reject(new Error(`load generator failed: ${message.error}`));
    });
    void child.exited.then((code) =>
      reject(new Error(`load generator exited (${code}) without a result: ${child.stderr()}`)),
    );
  });
  try {
    return await outcome;
  } finally {
    await scratch.stop(child);
  }
}
