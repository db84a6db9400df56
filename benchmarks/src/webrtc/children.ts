/** Starts the benchmark's Node children (publisher, load generators) under tsx with an IPC channel. */
import { fileURLToPath } from 'node:url';
import type { Child, Scratch } from '../lib/scratch.ts';
import { ChildRpc, type ReadyMessage } from './protocol.ts';

export interface NodeChild<C> {
  readonly child: Child;
  readonly rpc: ChildRpc<C>;
  readonly ready: ReadyMessage;
}

export async function startNodeChild<C>(scratch: Scratch, script: string, label: string): Promise<NodeChild<C>> {
  const file = fileURLToPath(new URL(script, import.meta.url));
  // process.execArgv carries tsx's loader when the benchmark runs under tsx.
  const child = scratch.spawn(process.execPath, [...process.execArgv, file], {
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  const rpc = new ChildRpc<C>(child.process, label);
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start within 20 s: ${child.stderr()}`)), 20_000);
    child.process.on('message', (message: ReadyMessage) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message);
    });
    void child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code}) before it was ready: ${child.stderr()}`));
    });
  });
  return { child, rpc, ready };
}
