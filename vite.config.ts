// Builds the web app (web/) to static files in web/dist: what `make dev`
// serves and what the UI bucket holds. Nothing is fetched at run time from
// anywhere but the page's own origin (the CSP in index.html is 'self').
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  base: '/',
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every asset is a file of its own: nothing is inlined as a data: URL.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
