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

/**
 * What a path parameter may be. A path whose parameter cannot name anything (a channel name is a login; VOD and
 * clip ids are the platform's) still gets the app, which shows its "not found" page, but with status 404, so a
 * crawler or a link checker sees the truth.
 */
export const APP_PARAMS: Readonly<Record<string, RegExp>> = {
  channel: /^[A-Za-z0-9_]{1,64}$/,
  id: /^[A-Za-z0-9_-]{1,64}$/,
};
