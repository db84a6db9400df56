/**
 * `npm run bench:chat`: Glint's chat pod against Socket.IO 4.8 with its Redis adapter, in one run, under the same
 * load from the same load-generator process: (1) fan-out, one busy room and many small rooms with senders at a fixed
 * rate: deliveries/s, send → receive latency, server CPU, deliveries per CPU-second, memory per connection; (2) idle
 * connections held on one pod, as many as the box allows. Each server runs alone in its own child process (its CPU
 * and RSS are its own); the load generator is another child, bounded in time. Listens on 127.0.0.1 only; prints a
 * table per measure, writes the numbers and two charts under benchmarks/results/; stops by itself (watchdog), kills
 * its children and removes its Redis keys and temp files, also on error. Flags: see chat/plan.ts (`--busy-rate=40`,
 * `--measure-sec=30`, `--hold-target=0`, `--no-hold-peer`, …).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import type { LoadCommand, LoadInfo, LoadNotice, ServerKind } from './chat/ipc.ts';
import {
  type HoldRow,
  type LoadGenerator,
  measureHold,
  measureThroughput,
  type ThroughputRow,
} from './chat/measures.ts';
import { BUSY_ROOM, type ChatPlan, parsePlan } from './chat/plan.ts';
import { BENCH_REDIS_URL, dropKeys } from './chat/redis-keys.ts';
import { chartChat, chartLatencyCdf, GOALS, printHold, printThroughput } from './chat/report.ts';
import { glintChatAvailable, RUN_REDIS_PREFIX } from './chat/server-under-test.ts';
import { TICK_MS } from './chat/throughput.ts';
import { guardRun } from './lib/guard.ts';
import { progress } from './lib/progress.ts';
import { writeResults } from './lib/results.ts';
import { Scratch } from './lib/scratch.ts';
import { fdUsage } from './packager/fd-limit.ts';
import { startNodeChild } from './webrtc/children.ts';

/** Descriptors each side keeps for itself beyond its connections (listening socket, Redis, SQLite, IPC, stdio). */
const FD_MARGIN = 200;

const plan = parsePlan(process.argv.slice(2));
const scratch = new Scratch();
guardRun('bench:chat', scratch, watchdogMs(plan));

function watchdogMs(p: ChatPlan): number {
  const throughputSec = p.fanout ? 45 + p.warmSec + p.measureSec + p.drainSec : 0;
  const holdSec = p.holdTarget > 0 ? (p.holdPeer ? 2 : 1) * (p.holdSec + 30) : 0;
  return (30 + 2 * throughputSec + holdSec) * 1000;
}

async function main(): Promise<void> {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}`;
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const glintReady = await glintChatAvailable();
  if (!glintReady) {
    process.stderr.write('bench:chat: @glint/chat has no ChatServer and RedisChatBus yet: measuring the peer only\n');
  }
  const kinds: ServerKind[] = glintReady ? ['socketio', 'glint'] : ['socketio'];

  const node = await startNodeChild<LoadCommand>(scratch, '../chat/load-child.ts', 'load generator');
  const load: LoadGenerator = {
    rpc: node.rpc,
    onNotice: (listener) => {
      const handler = (message: LoadNotice | { id: number }) => {
        if ('type' in message && (message.type === 'progress' || message.type === 'window')) listener(message);
      };
      node.child.process.on('message', handler);
      return () => node.child.process.off('message', handler);
    },
  };
  const loadInfo = await load.rpc.call<LoadInfo>({ type: 'info' }, 10_000);

  const throughput: ThroughputRow[] = [];
  for (const kind of plan.fanout ? kinds : []) {
    const p = progress(`fan-out · ${kind}`);
    const row = await measureThroughput(scratch, load, kind, plan, (t) => p.update(t));
    p.done(
      `${Math.round(row.load.deliveriesPerSec).toLocaleString('en-US')} deliveries/s, p99 ${row.load.latencyMs.p99.toFixed(1)} ms, ${row.serverCpuPct.toFixed(0)} % CPU`,
    );
    throughput.push(row);
  }

  const holds: HoldRow[] = [];
  if (plan.holdTarget > 0) {
    const holdKinds: ServerKind[] = glintReady ? (plan.holdPeer ? ['glint', 'socketio'] : ['glint']) : ['socketio'];
    for (const kind of holdKinds) {
      // The server children inherit this process's limit (set by with-fd-limit.sh).
      const count = holdCount(plan.holdTarget, fdUsage().limit, loadInfo.limit);
      const p = progress(`hold · ${kind}`);
      const row = await measureHold(scratch, load, kind, plan, count, (t) => p.update(t));
      p.done(`${row.held.toLocaleString('en-US')} held, ${row.kbPerConnection.toFixed(1)} KB each`);
      holds.push(row);
    }
  }
  const loadAfter = loadavg()[0] ?? Number.NaN;
  const shared = `Machine: ${machine}; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (shared with other workers, noisy: compare ratios).`;
  const glintRow = throughput.find((r) => r.kind === 'glint');
  const serverNotes = glintRow?.server.notes ?? [];
  const rate = plan.busyRate + plan.smallRooms * plan.smallRate;

  if (throughput.length > 0)
    printThroughput(
      throughput,
      [
        `Each server alone in its own child process on 127.0.0.1, one after the other (peer first), with the same load from one`,
        `load-generator child (forked; the same clients, the same clock): ${plan.busyMembers.toLocaleString('en-US')} members in one busy room (${BUSY_ROOM}, ${plan.busySenders} of them`,
        `signed-in senders, ${plan.busyRate} msg/s together) and ${plan.smallRooms} small rooms of ${plan.smallSize} (one sender each, ${plan.smallRate} msg/s): ${rate} msg/s offered,`,
        `${(plan.busyRate * plan.busyMembers + plan.smallRooms * plan.smallRate * plan.smallSize).toLocaleString('en-US')} deliveries/s expected; the others read anonymously. Clients bind to ${plan.addresses} source addresses (127.0.0.2 …).`,
        `Senders run open-loop on a ${TICK_MS} ms ticker; each message's text carries its number and send time (performance.timeOrigin +`,
        'performance.now() in the load generator, where the receivers are); latency = receive − send of every delivery in',
        `the window. ${plan.warmSec} s warm-up, ${plan.measureSec} s measured, ${plan.drainSec} s drain; delivered % = deliveries by the drain's end ÷ members at`,
        'send time, for the messages sent in the window. server CPU % = utime + stime of the server child (all its threads) from',
        "/proc/<pid>/stat, read by the parent at the window's edges (10 ms ticks; not process.cpuUsage() over IPC: a saturated",
        "server answers late); deliveries/CPU-s = deliveries in the window ÷ the server's CPU-seconds. RSS KB/conn =",
        "(server RSS loaded − RSS seeded and idle, after full GCs until RSS settles) ÷ clients. Redis CPU % = INFO cpu of the machine's",
        'Redis over the window (shared: other work counts too). send lag = how late a send went out against its schedule.',
        'Glint: ChatServer on node:http (upgrade /chat), RedisChatBus.connect on 127.0.0.1:6379 with its own key prefix, Platform over',
        `SQLite in a temp file with the rooms seeded as channels and each sender an account with a session (Bearer token);`,
        `history, batching (≤ 100 ms per busy room), buffer cap at their defaults; ${serverNotes.join('; ') || 'not run'}.`,
        'Peer: Socket.IO 4.8 (WebSocket transport only, no compression) + @socket.io/redis-adapter 8 on the same Redis (own key);',
        'a token in the handshake names the sender (an in-memory map), `join` acks, `send` from a member ≤ 500 characters is',
        "emitted with io.to(room) to every member, the sender included, as one object of Glint's message shape; the adapter",
        'publishes each broadcast to Redis for other nodes.',
        shared,
      ].join('\n        '),
      [
        'Glint sends a busy room one frame per ≤ 100 ms holding several messages (each message is still one delivery);',
        'Socket.IO sends one frame per message per member. Both serialise a message once per room.',
        "the load generator, both servers and Redis share the same cores; a load-gen CPU near 100 % or a large send lag means the figures are the generator's limit.",
      ],
    );
  const charts: string[] = [];
  const subtitle = `${plan.busyMembers} in one room + ${plan.smallRooms}×${plan.smallSize}, ${rate} msg/s offered, ${plan.measureSec} s window; ${machine}; shared machine, one run`;

  if (holds.length > 0) {
    const capped = holds.find((h) => h.cappedBy)?.cappedBy;
    printHold(
      holds,
      [
        `A fresh server child per server; the load generator opens anonymous readers (${plan.connectConcurrency} at a time, from ${plan.addresses} source`,
        `addresses), each joining one of ${plan.holdRooms} rooms, in 4 steps of a quarter of the count asked, within ${plan.holdSec} s, stopping at a step`,
        'with a failure (200 in a row end it). After each step the server collects garbage and reports RSS and heap.',
        'RSS KB/conn = least-squares slope of RSS over connections across the steps (the idle point left out: a fresh',
        "process's RSS moves as V8 returns its start-up pages); (RSS − idle) ÷ held is shown beside it. Kernel socket",
        "buffers are not in RSS. The count asked is the goal, capped by both processes' open-file limits (one descriptor per connection",
        `on each side): server ${fdUsage().limit}, load generator ${loadInfo.limit}${capped ? ` (${capped})` : ''}.`,
        shared,
      ].join('\n        '),
      [],
    );
  }
  charts.push(await chartChat(throughput, holds, subtitle));
  if (throughput.length > 0) charts.push(await chartLatencyCdf(throughput, subtitle));

  const json = writeResults('chat', {
    machine,
    loadAverage: { before: loadBefore, after: loadAfter },
    plan,
    goals: GOALS,
    loadGenerator: loadInfo,
    throughput,
    hold: holds,
  });
  process.stderr.write(`charts: ${charts.join(', ')}\nnumbers: ${json}\n`);
}

/** The plan's target, capped by the open-file limits of the server and the load generator. */
function holdCount(target: number, serverLimit: number | null, loadLimit: number | null) {
  const server = (serverLimit ?? Number.POSITIVE_INFINITY) - FD_MARGIN;
  const client = (loadLimit ?? Number.POSITIVE_INFINITY) - FD_MARGIN;
  const room = Math.min(server, client);
  if (room >= target) return { target };
  return {
    target: Math.max(0, Math.floor(room)),
    cappedBy: `capped at ${Math.floor(room).toLocaleString('en-US')} by the open-file limit (${Math.min(serverLimit ?? Number.POSITIVE_INFINITY, loadLimit ?? Number.POSITIVE_INFINITY)}; raising the hard limit needs CAP_SYS_RESOURCE)`,
  };
}

main()
  .then(() => {
    scratch.cleanUp();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(
      `bench:chat failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    scratch.cleanUp();
    // A server killed on the way out could not remove its own keys.
    await dropKeys(BENCH_REDIS_URL, RUN_REDIS_PREFIX).catch(() => 0);
    process.exit(1);
  });
