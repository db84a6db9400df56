/**
 * The capacity measure, inside the load generator: as many idle readers as it may open, each joined to one of a
 * few rooms, from the source addresses in turn. Each command adds a step to those already held (the parent reads the
 * server's memory between steps); they stay open until released.
 */
import { type ChatClient, openClient } from './clients.ts';
import { connectMany } from './connect-many.ts';
import type { HoldResult, LoadCommand, LoadNotice } from './ipc.ts';
import { holdRoom, sourceAddresses } from './plan.ts';

let held: ChatClient[] = [];
/** Held clients the server has closed since the first step. */
let closed = 0;

export async function hold(
  command: Extract<LoadCommand, { type: 'hold' }>,
  notify: (notice: LoadNotice) => void,
): Promise<HoldResult> {
  const addresses = sourceAddresses(command.addresses);
  const first = held.length;
  const opened = await connectMany(
    {
      count: command.count,
      concurrency: command.concurrency,
      deadlineMs: performance.now() + command.budgetMs,
      maxFailuresInARow: 200,
      onProgress: (text) => notify({ type: 'progress', text: `holding ${command.count}: ${text}` }),
    },
    async (step) => {
      const index = first + step;
      const client = await openClient(command.target.kind, {
        port: command.target.port,
        localAddress: addresses[index % addresses.length] as string,
        onMessage: () => {},
        onClosed: () => {
          closed++;
        },
        onError: () => {},
      });
      try {
        await client.join(holdRoom(index % command.rooms));
      } catch (error) {
        client.close();
        throw error;
      }
      return client;
    },
  );
  for (const client of opened.clients) held.push(client);
  return {
    held: held.length - closed,
    failed: opened.failed,
    closedByServer: closed,
    ...(opened.firstError === undefined ? {} : { firstError: opened.firstError }),
    ms: opened.ms,
    stoppedBecause: opened.stoppedBecause,
  };
}

export function release(): number {
  const count = held.length;
  for (const client of held) client.close();
  held = [];
  closed = 0;
  return count;
}
