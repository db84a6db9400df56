/** The app calls the API through the same helper as the pages it replaces (same-origin, cookie, typed errors). */
export { ApiError, api, errorText } from '../pages/shared/api.ts';
