import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app's production build (player/dist), served by the media server. `npm start` and the test runs build it
 * when it is missing or its sources changed (build/app-build.ts); nobody needs to run Vite by hand.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    target: 'es2022',
    // hls.js alone is ~500 kB minified; it is its own chunk, loaded by the pages that play video.
    chunkSizeWarningLimit: 1024,
    sourcemap: false,
  },
});
