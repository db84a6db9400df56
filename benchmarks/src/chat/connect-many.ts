/** Opens many clients a few at a time, until all are open, the time is spent or the server (or the box) refuses. */

export interface Opened<T> {
  readonly clients: T[];
  readonly failed: number;
  readonly firstError?: string;
  readonly ms: number;
  readonly stoppedBecause: string;
}

export interface ConnectOptions {
  readonly count: number;
  readonly concurrency: number;
  /** performance.now() after which no new client is started. */
  readonly deadlineMs: number;
  /** This many failures in a row: the limit is reached (open files, ports, the server's own cap). */
  readonly maxFailuresInARow: number;
  readonly onProgress: (text: string) => void;
}

export async function connectMany<T>(options: ConnectOptions, open: (index: number) => Promise<T>): Promise<Opened<T>> {
  const startedMs = performance.now();
  const clients: T[] = [];
  let next = 0;
  let failed = 0;
  let inARow = 0;
  let firstError: string | undefined;
  let stoppedBecause = `all ${options.count.toLocaleString('en-US')} open`;
  let stop = false;
  const ticker = setInterval(
    () => options.onProgress(`${clients.length.toLocaleString('en-US')} open, ${failed} failed`),
    1000,
  );
  const worker = async () => {
    while (!stop && next < options.count) {
      if (performance.now() > options.deadlineMs) {
        stop = true;
        stoppedBecause = `time budget spent (${((options.deadlineMs - startedMs) / 1000).toFixed(0)} s)`;
        break;
      }
      const index = next++;
      try {
        clients.push(await open(index));
        inARow = 0;
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
        if (++inARow >= options.maxFailuresInARow) {
          stop = true;
          stoppedBecause = `${inARow} failures in a row (first: ${firstError})`;
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, options.count)) }, worker));
  } finally {
    clearInterval(ticker);
  }
  return {
    clients,
    failed,
    ...(firstError === undefined ? {} : { firstError }),
    ms: performance.now() - startedMs,
    stoppedBecause,
  };
}
