import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RouteContext } from '../route-context.ts';

export const channelRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (_app, _context) => {};
