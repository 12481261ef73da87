import { defineConfig } from 'vite';

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
    // `caravan serve --addr 127.0.0.1:8080` during development.
    proxy: {
      '/v1': 'http://127.0.0.1:8080',
      '/health': 'http://127.0.0.1:8080',
    },
  },
  preview: {
    proxy: {
      '/v1': 'http://127.0.0.1:8080',
      '/health': 'http://127.0.0.1:8080',
    },
  },
});
