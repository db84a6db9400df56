import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpDelayRelay } from './tcp-delay.ts';

let echo: Server;
let echoPort = 0;
let http: HttpServer;
let httpPort = 0;

const listen = async (server: Server | HttpServer) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
};

beforeAll(async () => {
  echo = createServer((socket) => socket.pipe(socket));
  echoPort = await listen(echo);
  http = createHttpServer((_req, res) => res.end('ok'));
  httpPort = await listen(http);
});

afterAll(async () => {
  await new Promise((resolve) => echo.close(resolve));
  await new Promise((resolve) => http.close(resolve));
});

async function connect(port: number): Promise<Socket> {
  const socket = createConnection({ port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

/** Sends one byte and times its echo. */
async function pingMs(socket: Socket): Promise<number> {
  const start = performance.now();
  const back = new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.write('x');
  await back;
  return performance.now() - start;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

describe('TCP delay relay', () => {
  it('adds the one-way delay in each direction: ~50 ms round trip at 25 ms', async () => {
    const relay = await startTcpDelayRelay({ target: { host: '127.0.0.1', port: echoPort }, oneWayDelayMs: 25 });
    const socket = await connect(relay.port);
    const rtts: number[] = [];
    for (let i = 0; i < 10; i++) rtts.push(await pingMs(socket));
    socket.destroy();
    await relay.stop();
    const rtt = median(rtts);
    console.log(`echo round trip through a 25 ms relay: p50 ${rtt.toFixed(1)} ms`);
    expect(rtt).toBeGreaterThanOrEqual(49);
    expect(rtt).toBeLessThan(70);
  });

  it('keeps bytes in order and intact under backpressure (a 16 MB echo through a 64 KB cap)', async () => {
    const relay = await startTcpDelayRelay({
      target: { host: '127.0.0.1', port: echoPort },
      oneWayDelayMs: 5,
      maxQueuedBytes: 64 * 1024,
    });
    const socket = await connect(relay.port);
    const data = randomBytes(16 * 1024 * 1024);
    const received: Buffer[] = [];
    let length = 0;
    const done = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        length += chunk.length;
        if (length >= data.length) resolve();
      });
    });
    socket.write(data);
    await done;
    const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(digest(Buffer.concat(received))).toBe(digest(data));
    expect(relay.stats().pauses).toBeGreaterThan(0);
    expect(relay.stats().bytesUp).toBe(data.length);
    socket.destroy();
    await relay.stop();
  });

  it('delivers a half-close after the data before it (a request, FIN, then the whole response)', async () => {
    const relay = await startTcpDelayRelay({ target: { host: '127.0.0.1', port: httpPort }, oneWayDelayMs: 10 });
    const socket = await connect(relay.port);
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const ended = new Promise<void>((resolve) => socket.once('end', resolve));
    socket.end('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await ended;
    expect(text).toMatch(/^HTTP\/1.1 200 OK[\s\S]*\r\n\r\nok$/);
    await relay.stop();
  });

  it('adds next to nothing at 0 ms, and stop() closes its connections', async () => {
    const target = { host: '127.0.0.1', port: httpPort };
    const relay = await startTcpDelayRelay({ target, oneWayDelayMs: 0 });
    const time = async (port: number) => {
      const start = performance.now();
      await (await fetch(`http://127.0.0.1:${port}/`)).text();
      return performance.now() - start;
    };
    const direct: number[] = [];
    const relayed: number[] = [];
    for (let i = 0; i < 50; i++) {
      direct.push(await time(httpPort));
      relayed.push(await time(relay.port));
    }
    console.log(
      `HTTP GET on a kept-alive connection: direct p50 ${median(direct).toFixed(2)} ms, through the 0 ms relay ${median(relayed).toFixed(2)} ms`,
    );
    expect(median(relayed) - median(direct)).toBeLessThan(5);
    const socket = await connect(relay.port);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await relay.stop();
    await closed;
  });
});
