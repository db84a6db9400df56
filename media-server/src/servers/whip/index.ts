export { bearerToken, HttpRefusal, mediaType } from './http-replies.ts';
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
} from './webrtc-routes.ts';
export {
  type LayerSummary,
  parseLayerChoice,
  registerWhepLayerRoutes,
  type ViewerLayers,
  viewerLayersOf,
} from './whep-layer-routes.ts';
export { whipAuthorizer } from './whip-authorizer.ts';
export { type WhipSession, WhipSessions } from './whip-sessions.ts';
