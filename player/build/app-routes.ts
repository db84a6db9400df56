/**
 * The web app's pages: each path the media server answers with the app's one HTML page (the app's router then
 * shows the page). Patterns in Fastify's syntax; the app's router (src/app/app.tsx) lists the same paths.
 */
export const APP_PAGES: readonly string[] = [
  '/',
  '/signin',
  '/signup',
  '/dashboard',
  '/watch/:channel',
  '/vod/:id',
  '/clip/:id',
];
