import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The console is served by the Beckon server under /console/; in dev, API calls go to a running server. */
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The server's CSP forbids inline scripts and styles, so never inline assets as data: URIs.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/api': process.env.BECKON_API_URL ?? 'http://localhost:3000',
    },
  },
});
