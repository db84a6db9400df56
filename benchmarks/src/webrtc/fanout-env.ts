/**
 * What the environment may change in bench:webrtc's fan-out measure: the viewers' client, and (to narrow a run) the
 * engines and the viewer steps. Unset means the full measure with werift viewers.
 *   BENCH_WEBRTC_CLIENT=werift|datachannel   the load generators' WHEP client (default werift)
 *   BENCH_WEBRTC_ENGINES=werift,mediasoup     the engines to measure, in this order (default both)
 *   BENCH_WEBRTC_STEPS=25,50,100              the viewer counts, ascending (default the measure's own)
 */
import type { FanoutEngine } from './fanout-engines.ts';
import type { ViewerClient } from './protocol.ts';

export interface FanoutEnv {
  readonly client: ViewerClient;
  readonly engines: readonly FanoutEngine[] | undefined;
  readonly steps: readonly number[] | undefined;
}

const CLIENTS: readonly ViewerClient[] = ['werift', 'datachannel'];
const ENGINES: readonly FanoutEngine[] = ['werift', 'mediasoup'];

function list(name: string, env: NodeJS.ProcessEnv): string[] | undefined {
  const value = env[name]?.trim();
  return value ? value.split(',').map((v) => v.trim()) : undefined;
}

export function fanoutEnv(env: NodeJS.ProcessEnv = process.env): FanoutEnv {
  const client = (env.BENCH_WEBRTC_CLIENT?.trim() || 'werift') as ViewerClient;
  if (!CLIENTS.includes(client)) {
    throw new Error(`BENCH_WEBRTC_CLIENT is "${client}"; set it to ${CLIENTS.join(' or ')}, or leave it unset`);
  }
  const engines = list('BENCH_WEBRTC_ENGINES', env);
  const unknown = engines?.find((e) => !ENGINES.includes(e as FanoutEngine));
  if (unknown !== undefined) {
    throw new Error(`BENCH_WEBRTC_ENGINES names "${unknown}"; use ${ENGINES.join(', ')} (comma-separated)`);
  }
  const steps = list('BENCH_WEBRTC_STEPS', env)?.map(Number);
  if (
    steps &&
    (steps.some((n) => !Number.isInteger(n) || n < 1) || steps.some((n, i) => i > 0 && n <= (steps[i - 1] ?? 0)))
  ) {
    throw new Error(`BENCH_WEBRTC_STEPS is "${env.BENCH_WEBRTC_STEPS}"; give ascending viewer counts, e.g. 25,100,200`);
  }
  return { client, engines: engines as FanoutEngine[] | undefined, steps };
}
