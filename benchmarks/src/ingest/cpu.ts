import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU time (user + system, ms) of this process so far. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

let ticksPerSecond: number | null = null;

/** CPU time (utime + stime, ms) of another process from /proc/<pid>/stat; clock-tick resolution (10 ms here). */
export function procCpuMs(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses; the fields after its closing ')' start at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

export interface CpuWindow {
  readonly windowMs: number;
  readonly cpuMs: number;
  /** CPU ms per wall ms of each slice (1.0 = one core busy). */
  readonly slices: readonly number[];
}

/** Samples `read()` (cumulative CPU ms) every `sliceMs` for `windowMs` of wall time (a whole number of slices). */
export async function sampleCpu(read: () => number, windowMs: number, sliceMs: number): Promise<CpuWindow> {
  const slices: number[] = [];
  const startWall = performance.now();
  const startCpu = read();
  let lastWall = startWall;
  let lastCpu = startCpu;
  const count = Math.max(1, Math.round(windowMs / sliceMs));
  while (slices.length < count) {
    const due = startWall + (slices.length + 1) * sliceMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    const wall = performance.now();
    const cpu = read();
    slices.push((cpu - lastCpu) / (wall - lastWall));
    lastWall = wall;
    lastCpu = cpu;
  }
  return { windowMs: lastWall - startWall, cpuMs: lastCpu - startCpu, slices };
}
