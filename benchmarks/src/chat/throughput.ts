/**
 * The load measure, run inside the load generator: every member connects (from the source addresses in turn) and
 * joins its room; senders then send on a fixed schedule (open loop: a late tick sends what is due, stamped when it
 * goes out); a warm-up, the measured window, then a drain for late deliveries. No timer per message: one ticker.
 */
import { summarize } from '../lib/stats.ts';
import { type ChatClient, openClient } from './clients.ts';
import { connectMany } from './connect-many.ts';
import { DeliveryLedger, percentiles } from './delivery-ledger.ts';
import type { LoadNotice, Target, ThroughputResult } from './ipc.ts';
import { BUSY_ROOM, type ChatPlan, smallRoom, sourceAddresses } from './plan.ts';

export const TICK_MS = 5;

interface Member {
  readonly room: string;
  /** Index into the target's tokens for a sender; undefined for a reader. */
  readonly sender?: number;
}

interface Room {
  readonly name: string;
  /** Members still connected (the server may drop slow ones). */
  members: number;
  readonly senders: ChatClient[];
  /** Messages per second, and when its first message is due (ms after the start: small rooms are staggered). */
  readonly rate: number;
  readonly offsetMs: number;
  sent: number;
}

export function membersOf(plan: ChatPlan): Member[] {
  const members: Member[] = [];
  for (let i = 0; i < plan.busyMembers; i++) {
    members.push(i < plan.busySenders ? { room: BUSY_ROOM, sender: i } : { room: BUSY_ROOM });
  }
  for (let r = 0; r < plan.smallRooms; r++) {
    for (let i = 0; i < plan.smallSize; i++) {
      members.push(i === 0 ? { room: smallRoom(r), sender: plan.busySenders + r } : { room: smallRoom(r) });
    }
  }
  return members;
}

export async function runThroughput(
  target: Target,
  plan: ChatPlan,
  notify: (notice: LoadNotice) => void,
): Promise<ThroughputResult> {
  const clock = () => performance.timeOrigin + performance.now();
  const ledger = new DeliveryLedger();
  const closedByServer: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const addresses = sourceAddresses(plan.addresses);
  const members = membersOf(plan);
  const rooms = new Map<string, Room>();
  const roomOf = (name: string, rate: number, offsetMs: number): Room => {
    let room = rooms.get(name);
    if (!room) {
      room = { name, members: 0, senders: [], rate, offsetMs, sent: 0 };
      rooms.set(name, room);
    }
    return room;
  };
  const smallPeriodMs = plan.smallRate > 0 ? 1000 / plan.smallRate : 0;
  let smallIndex = 0;
  for (const member of members) {
    if (member.room === BUSY_ROOM) roomOf(BUSY_ROOM, plan.busyRate, 0);
    else if (!rooms.has(member.room)) {
      roomOf(member.room, plan.smallRate, (smallPeriodMs * smallIndex++) / Math.max(1, plan.smallRooms));
    }
  }

  const opened = await connectMany(
    {
      count: members.length,
      concurrency: plan.connectConcurrency,
      deadlineMs: performance.now() + 60_000,
      maxFailuresInARow: 50,
      onProgress: (text) => notify({ type: 'progress', text: `connecting ${members.length}: ${text}` }),
    },
    async (index) => {
      const member = members[index] as Member;
      const room = rooms.get(member.room) as Room;
      const token = member.sender === undefined ? undefined : target.tokens[member.sender];
      const client = await openClient(target.kind, {
        port: target.port,
        localAddress: addresses[index % addresses.length] as string,
        ...(token === undefined ? {} : { token }),
        onMessage: (text) => ledger.delivered(text, clock()),
        onClosed: (reason) => {
          closedByServer[reason] = (closedByServer[reason] ?? 0) + 1;
          room.members--;
        },
        onError: (code) => {
          errors[code] = (errors[code] ?? 0) + 1;
        },
      });
      try {
        await client.join(member.room);
      } catch (error) {
        client.close();
        throw error;
      }
      room.members++;
      if (member.sender !== undefined) room.senders.push(client);
      return client;
    },
  );
  if (opened.failed > 0) {
    for (const client of opened.clients) client.close();
    throw new Error(`${opened.failed} of ${members.length} members could not connect and join: ${opened.firstError}`);
  }

  const sendLagsMs: number[] = [];
  const startMs = clock();
  const windowStartAt = plan.warmSec * 1000;
  const windowEndAt = windowStartAt + plan.measureSec * 1000;
  const tick = () => {
    const nowMs = clock();
    const elapsedMs = Math.min(nowMs - startMs, windowEndAt);
    for (const room of rooms.values()) {
      if (room.rate <= 0 || room.senders.length === 0 || elapsedMs < room.offsetMs) continue;
      const due = Math.floor(((elapsedMs - room.offsetMs) * room.rate) / 1000) + 1;
      while (room.sent < due) {
        const scheduledMs = startMs + room.offsetMs + (room.sent * 1000) / room.rate;
        const sender = room.senders[room.sent % room.senders.length] as ChatClient;
        const sendMs = clock();
        sender.send(room.name, ledger.sent(sendMs, room.members));
        sendLagsMs.push(sendMs - scheduledMs);
        room.sent++;
      }
    }
  };
  const ticker = setInterval(tick, TICK_MS);
  let cpuAtStart = process.cpuUsage();
  let progressFrom = 0;
  let lastDeliveries = 0;
  const reporter = setInterval(() => {
    const elapsedSec = (clock() - startMs) / 1000;
    const recent = summarize(ledger.latenciesSince(progressFrom));
    progressFrom = ledger.latencyCount;
    const perSec = ledger.deliveriesInWindow - lastDeliveries;
    lastDeliveries = ledger.deliveriesInWindow;
    const phase = elapsedSec < plan.warmSec ? 'warm-up' : 'measuring';
    notify({
      type: 'progress',
      text: `${phase} ${elapsedSec.toFixed(0)}/${plan.warmSec + plan.measureSec} s: ${perSec.toLocaleString('en-US')} deliveries/s, p99 ${recent.p99.toFixed(1)} ms`,
    });
  }, 1000);
  await sleepUntil(startMs + windowStartAt, clock);
  ledger.openWindow(clock());
  cpuAtStart = process.cpuUsage();
  notify({ type: 'window', edge: 'start' });
  await sleepUntil(startMs + windowEndAt, clock);
  tick();
  clearInterval(ticker);
  const windowEndMs = clock();
  ledger.closeWindow(windowEndMs);
  const cpu = process.cpuUsage(cpuAtStart);
  notify({ type: 'window', edge: 'end' });
  const windowSec = (windowEndMs - (startMs + windowStartAt)) / 1000;
  await sleepUntil(windowEndMs + plan.drainSec * 1000, clock);
  clearInterval(reporter);
  for (const client of opened.clients) client.close();

  const books = ledger.summary();
  const sorted = Float64Array.from(books.latenciesMs).sort();
  if (books.unreadable > 0) errors.UNREADABLE_TEXT = books.unreadable;
  return {
    connected: opened.clients.length,
    connectMs: opened.ms,
    connectFailures: opened.failed,
    windowSec,
    sent: books.sent,
    deliveries: books.deliveries,
    deliveriesPerSec: books.deliveries / windowSec,
    latencyMs: summarize(books.latenciesMs),
    latencyPercentiles: percentiles(Array.from(sorted)),
    expected: books.expected,
    received: books.received,
    duplicates: books.duplicates,
    closedByServer,
    errors,
    sendLagMs: summarize(sendLagsMs),
    loadGenCpuPct: ((cpu.user + cpu.system) / 1000 / (windowSec * 1000)) * 100,
  };
}

/** A timer to a point of the shared clock (not a wait for a state: the schedule itself is time). */
function sleepUntil(atMs: number, clock: () => number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - clock())));
}
