/**
 * Chat on the media server's own port (what `npm start` serves): a signed-in user writes, an anonymous viewer reads
 * in the same room, the room is told the channel's live viewers, and the API's event socket shares the port.
 */
import { until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { callApi } from '@glint/testkit/platform';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket } from 'ws';

let t: TestGlint;
beforeAll(async () => {
  t = await startGlint(['studio']);
}, 30_000);
afterAll(async () => {
  await t?.stop();
});

/** A ws client that keeps every frame (parsed) it is sent. */
async function open(path: string, bearer?: string): Promise<{ ws: WebSocket; frames: Record<string, unknown>[] }> {
  const ws = new WebSocket(t.http(path).replace('http:', 'ws:'), {
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames };
}

it('serves chat at /chat: a signed-in user writes, an anonymous viewer reads the same message', async () => {
  const signup = await callApi(t.http('/api/auth/signup'), {
    json: { login: 'chatty', password: 'chatty-password-1' },
  });
  expect(signup.status).toBe(201);
  const writer = await open('/chat', signup.body.token);
  const reader = await open('/chat');
  await until(() => writer.frames.some((f) => f.type === 'hello') && reader.frames.some((f) => f.type === 'hello'), {
    what: 'hello on both',
  });
  expect(writer.frames.find((f) => f.type === 'hello')).toMatchObject({ user: { login: 'chatty' } });
  expect(reader.frames.find((f) => f.type === 'hello')).toMatchObject({ user: null });
  for (const client of [writer, reader]) client.ws.send(JSON.stringify({ type: 'join', room: 'studio' }));
  await until(() => reader.frames.some((f) => f.type === 'joined'), { what: 'the reader joined' });
  await until(() => writer.frames.some((f) => f.type === 'joined'), { what: 'the writer joined' });

  writer.ws.send(JSON.stringify({ type: 'send', room: 'studio', text: 'hello <script>alert(1)</script>' }));
  const delivered = await until(
    () =>
      reader.frames
        .filter((f) => f.type === 'events')
        .flatMap((f) => f.events as { kind: string; text?: string; user?: { login: string } }[])
        .find((e) => e.kind === 'message'),
    { what: 'the message at the reader' },
  );
  expect(delivered).toMatchObject({ text: 'hello <script>alert(1)</script>', user: { login: 'chatty' } });

  reader.ws.send(JSON.stringify({ type: 'send', room: 'studio', text: 'anonymous?' }));
  await until(() => reader.frames.find((f) => f.type === 'error' && f.code === 'NOT_SIGNED_IN'), {
    what: 'NOT_SIGNED_IN for the anonymous reader',
  });
  await until(() => reader.frames.find((f) => f.type === 'counts' && f.room === 'studio'), {
    what: 'the room counts',
    timeoutMs: 10_000,
  });

  // The API's push socket shares the port's WebSocket server.
  const events = await open('/api/events', signup.body.token);
  expect(events.ws.readyState).toBe(WebSocket.OPEN);
  for (const client of [writer, reader, events]) client.ws.close();
}, 30_000);
