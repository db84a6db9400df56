export { whipAuthorizer } from './admit.ts';
export { bearerToken, HttpRefusal, mediaType } from './http.ts';
export {
  DEFAULT_OFFER_ADMISSION_LIMITS,
  OfferAdmission,
  type OfferAdmissionLimits,
} from './offer-admission.ts';
export {
  type PublishAuthorization,
  registerWebrtcRoutes,
  type WebrtcRoutesDeps,
  type WebrtcRoutesHandle,
  webrtcRoutes,
} from './routes.ts';
export { type WhipSession, WhipSessions } from './whip-sessions.ts';
