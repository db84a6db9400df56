/**
 * The load generator: one process for both servers (the same clients, the same clock), apart from the servers so
 * that their CPU is theirs alone. It runs one command at a time from the parent and exits when the parent goes away.
 */
import { fdUsage } from '../packager/fd-limit.ts';
import { type ReadyMessage, serveRpc } from '../webrtc/protocol.ts';
import { hold, release } from './hold.ts';
import type { LoadCommand, LoadInfo, LoadNotice } from './ipc.ts';
import { runThroughput } from './throughput.ts';

const notify = (notice: LoadNotice) => process.send?.(notice);

serveRpc<LoadCommand>(async (command) => {
  switch (command.type) {
    case 'info':
      return fdUsage() satisfies LoadInfo;
    case 'throughput':
      return runThroughput(command.target, command.plan, notify);
    case 'hold':
      return hold(command, notify);
    case 'release':
      return release();
  }
});
process.send?.({ type: 'ready' } satisfies ReadyMessage);
