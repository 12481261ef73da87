import { defineConfig } from 'vite';

// The caravan server the dev server and `vite preview` proxy /v1 and /health to:
// CARAVAN_API=http://127.0.0.1:8097 npx vite preview --port 4173
const api = process.env.CARAVAN_API || 'http://127.0.0.1:8080';
const proxy = { '/v1': api, '/health': api };

// The built dist/ is committed and embedded into the caravan binary, so keep it
// small and deterministic: no source maps, no public/ copying, one JS entry.
export default defineConfig({
  base: '/',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // maplibre-gl (and its worker, inlined as a string) is large; that's expected.
    chunkSizeWarningLimit: 4000,
    assetsInlineLimit: 0,
  },
  server: {
    port: 5173,
    proxy,
  },
  preview: {
    proxy,
  },
});
