/**
 * The peer of the API reads: a bare Fastify (no plugins, hooks or schemas) answering the same paths with the exact
 * bytes the API gave, held in memory: what the HTTP layer alone costs on this machine, the API's ceiling.
 */
import Fastify, { type FastifyInstance } from 'fastify';

export interface PeerServer {
  readonly origin: string;
  stop(): Promise<void>;
}

/** `replies`: path with its query (as the load generator sends it) → the JSON body the API answered. */
export async function startPeerServer(replies: ReadonlyMap<string, string>): Promise<PeerServer> {
  const app: FastifyInstance = Fastify({ logger: false });
  app.get('/*', (request, reply) => {
    const body = replies.get(request.url);
    if (body === undefined) return reply.code(404).send({ code: 'NOT_FOUND', message: request.url });
    return reply.type('application/json; charset=utf-8').send(body);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, stop: () => app.close() };
}
