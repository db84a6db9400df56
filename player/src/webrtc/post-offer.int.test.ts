import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postOffer } from './post-offer.ts';
import { SignalingError } from './signaling-error.ts';

let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; auth: string | undefined; type: string | undefined; body: string }> =
  [];

async function bodyOf(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

beforeAll(async () => {
  // A WHIP/WHEP endpoint as Glint answers: 201 + relative Location + the answer, or { code, message } with a status.
  server = createServer(async (req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      auth: req.headers.authorization,
      type: req.headers['content-type'],
      body: await bodyOf(req),
    });
    if (req.url === '/whip/live') {
      res.writeHead(201, { Location: '/whip/session/abc', 'Content-Type': 'application/sdp' });
      return res.end('v=0 answer');
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({ code: 'CHANNEL_NOT_LIVE', message: 'channel "gone" is not live; try again when it starts' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('postOffer', () => {
  it('POSTs the offer as application/sdp with the Bearer token; returns the answer and the resolved Location', async () => {
    const reply = await postOffer(`${base}/whip/live`, 'v=0 offer', { token: 'live_key_1234567890' });
    expect(reply.answer).toBe('v=0 answer');
    expect(reply.resource).toEqual({ location: '/whip/session/abc', url: `${base}/whip/session/abc` });
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      url: '/whip/live',
      auth: 'Bearer live_key_1234567890',
      type: 'application/sdp',
      body: 'v=0 offer',
    });
  });

  it('sends no Authorization without a token (WHEP)', async () => {
    await postOffer(`${base}/whip/live`, 'v=0 offer');
    expect(seen.at(-1)?.auth).toBeUndefined();
  });

  it("throws a SignalingError with the status and the server's sentence on a refusal", async () => {
    const error = await postOffer(`${base}/whep/gone`, 'v=0 offer').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignalingError);
    expect(error).toMatchObject({ code: 'SIGNALING_REFUSED', status: 404, serverCode: 'CHANNEL_NOT_LIVE' });
    expect((error as Error).message).toContain('answered 404: channel "gone" is not live');
  });

  it('throws SIGNALING_UNREACHABLE when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const port = typeof address === 'object' && address ? address.port : 0;
    const error = await postOffer(`http://127.0.0.1:${port}/whep/x`, 'v=0').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SIGNALING_UNREACHABLE', status: null });
  });
});
