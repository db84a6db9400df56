/** bench:sfu:instructions' table and chart. */
import type { TopLevelSpec } from 'vega-lite';
import { writeChart } from '../lib/chart.ts';
import { formatNumber, printTable } from '../lib/table.ts';
import { baselineRate, baselineRates, compileLeftOut, type Figure, figuresOf, perAddedPacket } from './figures.ts';
import { type H264Pattern, packetsPerSecond } from './h264-packets.ts';
import type { ForwarderPass } from './measure.ts';
import type { Forwarder } from './protocol.ts';
import type { InstructionOptions } from './settings.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export const LABELS: Record<Forwarder, string> = {
  peer: 'bare dgram fan-out (peer)',
  werift: 'Glint werift (WeriftSfu)',
  mediasoup: 'Glint mediasoup (1 worker)',
};

/** Short enough for the chart's axis. */
const SHORT_LABELS: Record<Forwarder, string> = {
  peer: 'bare dgram fan-out',
  werift: 'werift',
  mediasoup: 'mediasoup',
};

export function printInstructions(
  passes: readonly ForwarderPass[],
  method: string,
  notes: readonly string[],
): Figure[] {
  const figures = passes.flatMap(figuresOf);
  const at = (forwarder: Forwarder, n: number) => figures.find((f) => f.forwarder === forwarder && f.receivers === n);
  const dash = '—';
  printTable({
    title: 'Instructions per forwarded packet (callgrind Ir, marginal over the source-only baseline; median slice)',
    method,
    columns: [
      'forwarder',
      'receivers',
      'pkts forwarded',
      'lost',
      'Node Ir/pkt',
      'worker Ir/pkt',
      'total Ir/pkt',
      'window mean',
      'slices min–max',
      '× bare peer',
      '÷ werift',
    ],
    rows: figures.map((f) => {
      const peer = at('peer', f.receivers);
      const werift = at('werift', f.receivers);
      return [
        LABELS[f.forwarder],
        String(f.receivers),
        Math.round(f.forwarded).toLocaleString('en-US'),
        String(f.lost),
        f.perProcess[0] ?? Number.NaN,
        f.perProcess[1] ?? dash,
        f.total,
        f.meanTotal,
        `${formatNumber(Math.min(...f.sliceTotals))}–${formatNumber(Math.max(...f.sliceTotals))}`,
        peer && f.forwarder !== 'peer' ? f.total / peer.total : dash,
        werift && f.forwarder === 'mediasoup' ? f.total / werift.total : dash,
      ];
    }),
    notes: [
      ...passes.map((pass) => {
        const [a, b] = figuresOf(pass);
        const added =
          a && b
            ? ` Each packet the ${b.receivers - a.receivers} added receivers got: ${formatNumber(perAddedPacket(a, b))} Ir.`
            : '';
        const [before, after] = pass.baselines.map(baselineRates);
        const rates = pass.processes
          .map((name, i) => {
            const [x, y, m] = [before?.[i], after?.[i], baselineRate(pass)[i]].map((r) =>
              formatNumber((r ?? Number.NaN) / 1e6),
            );
            return `${name} ${x} before, ${y} after, ${m} used (median slice)`;
          })
          .join('; ');
        const compile = compileLeftOut(pass);
        const left = pass.processes
          .map(
            (name, i) =>
              `${name} ${formatNumber((compile.compileIr[i] ?? 0) / 1e6)} M (${formatNumber((compile.share[i] ?? 0) * 100)} %)`,
          )
          .join(', ');
        return [
          `${LABELS[pass.forwarder]}: baseline M Ir/s: ${rates}.${added}`,
          `  V8's optimizing compiler in the windows, left out: ${left}. Keyframe requests to the source: ${pass.keyframeRequests} (not answered); frames the harness skipped when it fell behind: ${pass.framesSkipped}.`,
        ].join('\n');
      }),
      ...notes,
    ],
  });
  return figures;
}

export function methodOf(source: H264Pattern, options: InstructionOptions, machine: string): string {
  const windowS = (options.slices * options.sliceMs) / 1000;
  return [
    `A synthetic H.264 source (packetization mode 1, ${source.fps} fps, ${source.fragmentsPerFrame} FU-A fragments of ${source.payloadBytes} bytes a frame, a STAP-A of`,
    `SPS + PPS before each IDR slice, one a second: ${formatNumber(packetsPerSecond(source))} packets/s) in a harness process run under valgrind`,
    '--tool=callgrind, with one forwarder: the peer, a dgram fan-out of each packet to one connected socket per',
    'receiver; or an engine given the source with server.sfu.addSource behind startWebrtcTestServer (WHEP routes):',
    'WeriftSfu in the harness, or MediasoupSfu with one worker, traced too (the harness copies each packet into the',
    "worker's loopback socket, the worker forwards). Receivers: plain UDP sockets (peer) or werift WHEP viewers (ICE,",
    'DTLS, SRTP, RTCP), all in one untraced child process.',
    `Per forwarder: ${(options.startWarmMs + options.warmMs) / 1000} s warm-up (a full GC in it clears start-up's garbage), a ${windowS} s baseline with nobody`,
    `receiving; per receiver count (${options.receivers.join(', ')}; added to those connected) ${options.warmMs / 1000} s warm-up and a ${windowS} s window; a`,
    `${windowS} s baseline again once they have gone. A window: callgrind_control -z on every traced process, -d every`,
    `${options.sliceMs / 1000} s. Ir = instructions executed in user space, all threads (kernel work such as sendmsg is not counted), less`,
    "V8's optimizing-compiler jobs (a one-off per hot function that callgrind's ~50× slowdown would charge to ~50×",
    'fewer packets). Packets = distinct sequence numbers the receivers got, read around each zero and dump.',
    'Per slice: Ir/pkt = (slice Ir − baseline Ir/s × slice) ÷ packets, per process, with baseline Ir/s the median slice',
    "of both baselines; the table gives the median slice (by total) and its split, the window's mean and the slices'",
    'range. Node runs with --no-memory-reducer (slowed ~50×, V8 took it for idle and compacted its heap).',
    machine,
  ].join('\n        ');
}

export async function chartInstructions(figures: readonly Figure[], subtitle: string): Promise<string> {
  const parts = ['Node', 'mediasoup worker'];
  const values = figures.flatMap((f) =>
    f.perProcess.map((ir, i) => ({
      forwarder: SHORT_LABELS[f.forwarder],
      receivers: `${f.receivers} receivers`,
      part: parts[i] ?? `process ${i + 1}`,
      ir,
      total: f.total,
    })),
  );
  const order = Object.values(SHORT_LABELS);
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title: { text: 'Instructions per forwarded RTP packet (callgrind Ir, marginal, median slice)', subtitle },
    data: { values },
    facet: { column: { field: 'receivers', type: 'nominal', title: null, sort: 'ascending' } },
    spec: {
      width: 240,
      height: 300,
      layer: [
        {
          mark: 'bar',
          encoding: {
            x: {
              field: 'forwarder',
              type: 'nominal',
              sort: order,
              title: null,
              axis: { labelAngle: -30 },
            },
            y: { field: 'ir', type: 'quantitative', title: 'instructions per forwarded packet', stack: 'zero' },
            color: {
              field: 'part',
              type: 'nominal',
              scale: { domain: parts, range: ['#4c78a8', '#f58518'] },
              legend: { orient: 'top', title: null },
            },
          },
        },
        {
          transform: [{ filter: "datum.part === 'Node'" }],
          mark: { type: 'text', dy: -6, fontSize: 11 },
          encoding: {
            x: { field: 'forwarder', type: 'nominal', sort: order },
            y: { field: 'total', type: 'quantitative' },
            text: { field: 'total', type: 'quantitative', format: ',.0f' },
          },
        },
      ],
    },
  };
  return writeChart('sfu-instructions', spec);
}
