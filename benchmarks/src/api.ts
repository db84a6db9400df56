/**
 * `npm run bench:api`: what the channel platform's database costs, on SQLite and on PostgreSQL in the same run.
 * (1) The API's hot reads (a channel's page, the live list) over real HTTP on loopback, loaded by autocannon from a
 * child process, against a bare Fastify answering the same bytes from memory. (2) One publish authorization
 * (PublishAdmission.admit with the platform's key store), against the same class over an in-memory digest map.
 * Prints a table per measure, writes a chart per measure under benchmarks/results/. Stops by itself (watchdog);
 * stops its servers, drops its databases and kills its children, also on error.
 */
import { cpus, loadavg } from 'node:os';
import type { StreamKeyStore } from '@glint/platform';
import type { TestDialect } from '@glint/testkit/platform';
import { type AdmissionOptions, type AdmissionRun, measureAdmission } from './api/admission.ts';
import { ENDPOINTS, measureQueries, type QueryOptions } from './api/endpoints.ts';
import { type LoadRun, runLoad } from './api/load.ts';
import type { LoadJob } from './api/load-protocol.ts';
import { MemoryKeyStore } from './api/memory-key-store.ts';
import { type PeerServer, startPeerServer } from './api/peer-server.ts';
import {
  type AdmissionRow,
  chartAdmission,
  chartReads,
  GOAL_ADMIT_P99_MS,
  passesGoal,
  printAdmission,
  printQueries,
  printReads,
  type QueryRow,
  type ReadRow,
} from './api/report.ts';
import type { DatasetShape } from './api/seed.ts';
import { RUN_API_LIMIT_PER_MINUTE, type ServerUnderTest, startServerUnderTest } from './api/server-under-test.ts';
import { guardRun } from './lib/guard.ts';
import { progress } from './lib/progress.ts';
import { writeResults } from './lib/results.ts';
import { Scratch } from './lib/scratch.ts';

const WATCHDOG_MS = 170_000;
const SHAPE: DatasetShape = { channels: 1000, live: 50, viewers: 2000, followsPerViewer: 10 };
const LOAD = { connections: 16, warmSec: 2, measureSec: 6 } as const;
const ADMISSION: AdmissionOptions = { warmCalls: 500, calls: 3000 };
const QUERIES: QueryOptions = { warmCalls: 200, calls: 2000 };
const DIALECTS: readonly TestDialect[] = ['sqlite', 'postgres'];
const DIALECT_LABEL: Record<TestDialect, string> = { sqlite: 'Glint API, SQLite', postgres: 'Glint API, PostgreSQL' };
const PEER_LABEL = 'peer: bare Fastify, reply in memory';

const scratch = new Scratch();
const servers: ServerUnderTest[] = [];
let peer: PeerServer | undefined;

guardRun('bench:api', scratch, WATCHDOG_MS);

async function main(): Promise<void> {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
  const loadBefore = loadavg()[0] ?? Number.NaN;
  for (const dialect of DIALECTS) {
    const p = progress(`seed ${dialect}`);
    const server = await startServerUnderTest(dialect, SHAPE, (t) => p.update(t));
    servers.push(server);
    p.done(
      `${server.dataset.channels.length} channels, ${server.dataset.live.length} live, ${server.dataset.followRows} follows in ${(server.dataset.seedMs / 1000).toFixed(1)} s`,
    );
  }
  const [first] = servers as [ServerUnderTest];
  peer = await startPeerServer(await captureReplies(first));

  const reads: ReadRow[] = [];
  const queries: QueryRow[] = [];
  for (const endpoint of ENDPOINTS) {
    const peerRun = await load(`${endpoint.label} · peer`, peer.origin, endpoint.paths(first.dataset));
    reads.push({ endpoint: endpoint.label, server: PEER_LABEL, run: peerRun });
    for (const server of servers) {
      const label = `${endpoint.label} · ${server.dialect}`;
      const run = await load(label, server.glint.http(''), endpoint.paths(server.dataset));
      reads.push({ endpoint: endpoint.label, server: DIALECT_LABEL[server.dialect], run, peer: peerRun });
      const p = progress(`${label} · queries alone`);
      const queriesMs = await measureQueries(server.glint.glint.platform, server.dataset, endpoint, QUERIES);
      p.done(`p50 ${queriesMs.median.toFixed(3)} ms, p99 ${queriesMs.p99.toFixed(3)} ms`);
      queries.push({ endpoint: endpoint.label, server: DIALECT_LABEL[server.dialect], queriesMs, run, peer: peerRun });
    }
  }

  const admissions: AdmissionRow[] = [];
  const memoryRun = await admit('in-memory digest map', new MemoryKeyStore(first.dataset.keys), first);
  admissions.push({ store: 'peer: in-memory map of key digests', run: memoryRun });
  for (const server of servers) {
    const run = await admit(server.dialect, server.glint.glint.platform.streamKeys, server);
    admissions.push({
      store: `platform key store, ${server.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
      run,
      peer: memoryRun,
    });
  }
  const loadAfter = loadavg()[0] ?? Number.NaN;
  const shared = `Machine: ${machine}; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (shared with other workers, noisy: compare medians and ratios).`;
  const followers = first.dataset.liveFollowers;
  const dataset = [
    `Data: ${SHAPE.channels} channels seeded through the platform (account, channel, key, title, category), ${SHAPE.live} live`,
    `(broadcasts.streamStarted), ${SHAPE.viewers} viewer accounts following ${SHAPE.followsPerViewer} channels each, drawn with weight 1/rank`,
    `(${first.dataset.followRows} follows; the live channels have ${Math.min(...followers)}–${Math.max(...followers)} followers).`,
  ];

  printReads(
    reads,
    [
      'A whole Glint (startGlint: media server, API mounted at /api, security headers, metrics hook) per dialect in this',
      'process on 127.0.0.1, over a temp SQLite file (WAL) or a fresh PostgreSQL database on 127.0.0.1:5432 (pool of 10).',
      ...dataset,
      `Load: autocannon in a child process, ${LOAD.connections} keep-alive connections, no pipelining, ${LOAD.warmSec} s warm-up (discarded),`,
      `then ${LOAD.measureSec} s measured; latency = request written → reply read, every 2xx kept unrounded; anonymous requests.`,
      `Channel page: each connection walks the ${SHAPE.live} live channels' pages in turn; live list: its first page (20 items).`,
      `Rate limits raised for the run to ${RUN_API_LIMIT_PER_MINUTE.toLocaleString('en-US')} requests/min per address and per account`,
      '(defaults 1200 and 600), so that no reply is a 429.',
      'Peer, same run: a bare Fastify (no plugins, hooks or schemas) in this process answering the same paths with the',
      "exact bytes the SQLite API answered, held in memory: the HTTP layer's ceiling on this machine.",
      'server CPU % = process.cpuUsage() of this process (the server under load; one at a time) over the window;',
      'CPU ms/req = that ÷ req/s. PostgreSQL works in its own processes, not counted. Order per endpoint: peer, SQLite,',
      'PostgreSQL.',
      shared,
    ].join('\n        '),
    [
      'the gap to the peer is all the API adds: its hooks (rate limit, session lookup, metrics), validation, response schema and queries.',
      `latency is at saturation: with ${LOAD.connections} requests always in flight, p50 ≈ ${LOAD.connections} ÷ req/s is mostly queueing; one request's own cost is in the next table.`,
      'the load generator and the server share 2 cores (with PostgreSQL on its runs): req/s is a capacity of this box.',
    ],
  );
  printQueries(
    queries,
    [
      "Right after each load run, the route's database work for one request, called in-process (no HTTP) and awaited one",
      `at a time, ${QUERIES.warmCalls} calls of warm-up then ${QUERIES.calls} timed with performance.now(), on the same server and data:`,
      ...ENDPOINTS.map((e) => `${e.label}: ${e.queries}.`),
      'reply p50 and CPU ms/req: from the load run above (16 connections), for comparison.',
      shared,
    ].join('\n        '),
    [
      "on SQLite (synchronous driver) the queries' time is CPU of the server's own thread; on PostgreSQL it is mostly a wait.",
    ],
  );
  const readsChart = await chartReads(
    reads,
    `${LOAD.connections} connections, ${LOAD.measureSec} s each; ${machine}; shared machine, one run`,
  );

  printAdmission(
    admissions,
    [
      `new PublishAdmission({ keys, isLive: () => false }) (the media server's class, default failed-key throttle); ${ADMISSION.warmCalls} calls of warm-up,`,
      `then ${ADMISSION.calls} sequential calls of admit({ streamKey, remoteAddress: '127.0.0.1' }), each timed with performance.now() around`,
      `the await; keys cycle through all ${SHAPE.channels} valid keys; each admitted reservation is released before the next call.`,
      `Platform key store: platform.streamKeys.verify (SHA-256 of the key, one indexed join of stream_keys, channels, users), on the`,
      'same seeded databases as above, in this process, while nothing else loads them.',
      'Peer, same run: the same class over a Map from SHA-256 digest to channel (the key store before the platform, indexed',
      'by digest; same length bounds, same constant-time comparison of digests).',
      shared,
    ].join('\n        '),
    [
      `goal: p99 ≤ ${GOAL_ADMIT_P99_MS} ms per authorization: ${admissions
        .filter((a) => a.peer)
        .map((a) => `${a.store}: ${passesGoal(a.run) ? 'pass' : 'FAIL'}`)
        .join('; ')}.`,
      'sequential calls: the figure is one encoder connecting to an otherwise idle server; under API load the database is shared.',
    ],
  );
  const admissionChart = await chartAdmission(
    admissions,
    `${ADMISSION.calls} sequential calls each; ${machine}; shared machine, one run`,
  );

  const json = writeResults('api', {
    machine,
    loadAverage: { before: loadBefore, after: loadAfter },
    dataset: {
      shape: SHAPE,
      followRows: first.dataset.followRows,
      seedMs: servers.map((s) => ({ dialect: s.dialect, ms: s.dataset.seedMs })),
    },
    load: LOAD,
    rateLimitPerMinute: RUN_API_LIMIT_PER_MINUTE,
    reads: reads.map(({ endpoint, server, run }) => ({ endpoint, server, ...run })),
    admission: {
      options: ADMISSION,
      goalP99Ms: GOAL_ADMIT_P99_MS,
      runs: admissions.map(({ store, run }) => ({ store, ...run, pass: passesGoal(run) })),
    },
  });
  process.stderr.write(`charts: ${readsChart}, ${admissionChart}\nnumbers: ${json}\n`);
}

/** The API's reply to every path the load walks (checked 200), for the peer to answer with. */
async function captureReplies(server: ServerUnderTest): Promise<Map<string, string>> {
  const replies = new Map<string, string>();
  for (const endpoint of ENDPOINTS) {
    for (const path of endpoint.paths(server.dataset)) {
      const response = await fetch(server.glint.http(path));
      const body = await response.text();
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${body}`);
      replies.set(path, body);
    }
  }
  return replies;
}

async function load(label: string, origin: string, paths: string[]): Promise<LoadRun> {
  const p = progress(label);
  const job: LoadJob = {
    origin,
    paths,
    connections: LOAD.connections,
    warmSec: LOAD.warmSec,
    measureSec: LOAD.measureSec,
  };
  const run = await runLoad(scratch, job, (t) => p.update(t));
  p.done(`${Math.round(run.load.requestsPerSec)} req/s, p99 ${run.load.latencyMs.p99.toFixed(2)} ms`);
  return run;
}

async function admit(label: string, store: StreamKeyStore, server: ServerUnderTest): Promise<AdmissionRun> {
  const p = progress(`admit · ${label}`);
  const run = await measureAdmission(store, [...server.dataset.keys.values()], ADMISSION, (t) => p.update(t));
  p.done(`p50 ${run.latencyMs.median.toFixed(3)} ms, p99 ${run.latencyMs.p99.toFixed(3)} ms`);
  return run;
}

async function stopAll(): Promise<void> {
  await peer?.stop();
  for (const server of servers.splice(0)) await server.stop();
}

main()
  .then(async () => {
    await stopAll();
    scratch.cleanUp();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(
      `bench:api failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    scratch.cleanUp();
    await stopAll().catch(() => {});
    process.exit(1);
  });
