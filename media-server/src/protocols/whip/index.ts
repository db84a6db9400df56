export { bearerToken, HttpRefusal, mediaType } from './http.ts';
export {
  type PublishAuthorization,
  registerWebrtcRoutes,
  type WebrtcRoutesDeps,
  type WebrtcRoutesHandle,
  webrtcRoutes,
} from './routes.ts';
export { type WhipSession, WhipSessions } from './whip-sessions.ts';
