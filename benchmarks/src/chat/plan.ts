/**
 * What bench:chat loads: its rooms, senders and rates, its windows and the held-connections target, with defaults
 * that keep one run under ~3 minutes on a 2-core box and `--name=value` flags for bigger runs.
 */

export interface ChatPlan {
  /** Whether to run the fan-out measure (`--no-fanout`: the held connections only). */
  readonly fanout: boolean;
  /** Members of the one busy room (anonymous readers plus its senders). */
  readonly busyMembers: number;
  /** Signed-in members of the busy room that send, round-robin. */
  readonly busySenders: number;
  /** Messages per second into the busy room, all senders together. */
  readonly busyRate: number;
  readonly smallRooms: number;
  /** Members per small room; the first of them sends. */
  readonly smallSize: number;
  /** Messages per second into each small room. */
  readonly smallRate: number;
  readonly warmSec: number;
  readonly measureSec: number;
  /** After the senders stop, how long receivers may still collect the window's messages. */
  readonly drainSec: number;
  /** Source addresses in 127.0.0.0/8 the clients bind to (127.0.0.2 …). */
  readonly addresses: number;
  /** Connections held idle on one pod (capped by the open-file limit), 0 to skip the measure. */
  readonly holdTarget: number;
  /** Time allowed to open them. */
  readonly holdSec: number;
  /** Rooms the held connections are spread over (each joins one). */
  readonly holdRooms: number;
  /** Whether the peer holds the same count too (for its figure in the same run). */
  readonly holdPeer: boolean;
  /** Profile each server's CPU over the fan-out window (<tmpdir>/bench-chat-<server>.cpuprofile, for DevTools). */
  readonly profile: boolean;
  /** Connections opening at once, per load measure. */
  readonly connectConcurrency: number;
}

export const DEFAULT_PLAN: ChatPlan = {
  fanout: true,
  busyMembers: 2000,
  busySenders: 10,
  busyRate: 10,
  smallRooms: 200,
  smallSize: 5,
  smallRate: 1,
  warmSec: 3,
  measureSec: 10,
  drainSec: 2,
  addresses: 16,
  holdTarget: 100_000,
  holdSec: 40,
  holdRooms: 100,
  holdPeer: true,
  profile: false,
  connectConcurrency: 200,
};

/** `--busy-rate=40 --hold-target=0 --no-hold-peer`: every field of ChatPlan in kebab case. */
export function parsePlan(argv: readonly string[]): ChatPlan {
  const plan: Record<string, number | boolean> = { ...DEFAULT_PLAN };
  for (const arg of argv) {
    const match = /^--(no-)?([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}: flags look like --busy-rate=40 or --no-hold-peer`);
    const key = (match[2] as string).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const current = plan[key];
    if (current === undefined) {
      throw new Error(`unknown flag --${match[2]}; known: ${Object.keys(DEFAULT_PLAN).map(kebab).join(', ')}`);
    }
    if (typeof current === 'boolean') plan[key] = match[1] === undefined && match[3] !== 'false';
    else {
      const value = Number(match[3]);
      if (!Number.isFinite(value) || value < 0) throw new Error(`--${match[2]} takes a number ≥ 0, not ${match[3]}`);
      plan[key] = value;
    }
  }
  const parsed = plan as unknown as ChatPlan;
  if (parsed.busySenders > parsed.busyMembers) throw new Error('--busy-senders cannot exceed --busy-members');
  if (parsed.addresses < 1 || parsed.addresses > 250) throw new Error('--addresses is 1 to 250');
  return parsed;
}

function kebab(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Rooms are channels on Glint (a room is a channel's name): the same names on both servers. */
export const BUSY_ROOM = 'bench_busy';
export function smallRoom(i: number): string {
  return `bench_small_${String(i).padStart(4, '0')}`;
}
export function holdRoom(i: number): string {
  return `bench_hold_${String(i).padStart(4, '0')}`;
}
export function senderLogin(i: number): string {
  return `bench_sender_${String(i).padStart(5, '0')}`;
}

/** Every room either server must know, and how many signed-in senders the load uses. */
export function roomsOf(plan: ChatPlan): string[] {
  const rooms = [BUSY_ROOM];
  for (let i = 0; i < plan.smallRooms; i++) rooms.push(smallRoom(i));
  for (let i = 0; i < (plan.holdTarget > 0 ? plan.holdRooms : 0); i++) rooms.push(holdRoom(i));
  return rooms;
}

export function senderCount(plan: ChatPlan): number {
  return plan.busySenders + plan.smallRooms;
}

/** 127.0.0.2, 127.0.0.3, …: each gives its own ~28k ephemeral ports toward the server on 127.0.0.1. */
export function sourceAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.0.${i + 2}`);
}
