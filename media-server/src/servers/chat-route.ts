import websocket from '@fastify/websocket';
import { type ChatServer, MAX_CLIENT_FRAME_BYTES } from '@glint/chat';
import type { FastifyInstance } from 'fastify';

/**
 * Chat on the media server's own port: /chat is a WebSocket route whose connections go to the chat pod. The pod's
 * bounds (connections in all and per address) are checked before the upgrade, so a refused client gets an HTTP
 * status, not an open socket.
 */
export async function chatRoute(app: FastifyInstance, options: { chat: ChatServer }): Promise<void> {
  const { chat } = options;
  app.get(
    '/chat',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        const refusal = chat.admission(request.ip);
        if (refusal) {
          return reply
            .code(refusal.status)
            .send({ code: refusal.status === 429 ? 'TOO_MANY_CONNECTIONS' : 'CHAT_FULL', message: refusal.message });
        }
      },
    },
    (socket, request) => chat.accept(socket, request.raw, request.ip),
  );
}

/**
 * The one WebSocket server of the HTTP port (chat and the API's event push), with chat's frame limit. Registered on
 * the root instance itself (not inside a plugin), so every route context sees it.
 */
export function registerWebsockets(app: FastifyInstance): void {
  app.register(websocket, { options: { maxPayload: MAX_CLIENT_FRAME_BYTES } });
}
