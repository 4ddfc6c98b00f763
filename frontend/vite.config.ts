// Vite serves the inbox on FRONTEND_PORT (3004) and proxies the API and the
// socket to the backend (PORT, 3005), so the browser sees a single origin in
// dev exactly as it does in production (backend/src/http/inbox-server.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const frontendDir = path.dirname(fileURLToPath(import.meta.url));
const apiTarget = `http://127.0.0.1:${process.env.PORT || 3005}`;

/**
 * Defence in depth for the built app only: no script may come from anywhere
 * but our own bundle. (Dev needs Vite's inline HMR preamble, so not in dev.)
 * img/style/font stay open because srcdoc iframes inherit this policy and the
 * per-message CSP inside the iframe is what decides about remote content.
 */
function productionCsp(): Plugin {
  return {
    name: 'chitbox-production-csp',
    apply: 'build',
    transformIndexHtml(html) {
      return html.replace(
        '<meta name="referrer"',
        `<meta http-equiv="Content-Security-Policy" content="script-src 'self'; object-src 'none'; base-uri 'self'" />\n    <meta name="referrer"`,
      );
    },
  };
}

export default defineConfig({
  root: frontendDir,
  plugins: [react(), productionCsp()],
  resolve: {
    alias: { '@contracts': path.resolve(frontendDir, '../backend/src/contracts') },
  },
  server: {
    port: Number(process.env.FRONTEND_PORT || 3004),
    strictPort: true,
    host: true,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/socket.io': { target: apiTarget, ws: true },
    },
  },
  preview: { port: Number(process.env.FRONTEND_PORT || 3004) },
  build: { outDir: path.resolve(frontendDir, 'dist'), emptyOutDir: true, sourcemap: true },
});
