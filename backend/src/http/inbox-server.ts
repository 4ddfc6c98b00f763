// Production home of the web inbox: serves the built SPA from
// frontend/dist on FRONTEND_PORT and proxies /api, /socket.io (websockets
// included) and /health to the API, so the browser talks to one origin
// exactly as it does behind the Vite dev proxy. No Vite in production.
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import express from 'express';
import { createProxyMiddleware, debugProxyErrorsPlugin, type Plugin } from 'http-proxy-middleware';
import type { Logger } from '../shared/logger.js';

export interface InboxServerOptions {
  port: number;
  host: string;
  /** The Vite build output (frontend/dist), with index.html. */
  distDir: string;
  /** Where the API and Socket.IO listen, e.g. http://127.0.0.1:3005. */
  apiOrigin: string;
  log?: Logger;
}

export interface InboxServer {
  port: number;
  close(): Promise<void>;
}

// /metrics stays on the API port: it is for scrapers, not browsers.
const PROXIED_PATHS = ['/api', '/socket.io', '/health'];

export async function startInboxServer(opts: InboxServerOptions): Promise<InboxServer> {
  const indexFile = path.join(opts.distDir, 'index.html');
  if (!existsSync(indexFile)) {
    throw new Error(`The web inbox is not built: ${indexFile} is missing (run "npm run build:web").`);
  }

  const proxy = createProxyMiddleware<http.IncomingMessage, http.ServerResponse>({
    target: opts.apiOrigin,
    pathFilter: (pathname) => PROXIED_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`)),
    xfwd: true,
    // Upgrades are wired by hand below (ws: true would subscribe a second listener on first request).
    ws: false,
    ejectPlugins: true, // the defaults log to console and answer errors as text/plain
    plugins: [debugProxyErrorsPlugin, jsonProxyErrors(opts.log)],
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(proxy);
  app.use((_req, res, next) => {
    // X-Frame-Options and not CSP frame-ancestors: srcdoc mail frames inherit the page's CSP.
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' });
    next();
  });
  // Hashed file names under /assets never change content: cache them for good.
  app.use('/assets', express.static(path.join(opts.distDir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
  app.use(express.static(opts.distDir, { index: false }));
  // Single-page app: every other GET is the app shell (no-cache so a deploy shows up at once).
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.set('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  });

  const server = http.createServer(app);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const pathname = (req.url ?? '').split('?')[0] ?? '';
    if (!pathname.startsWith('/socket.io/')) return void socket.destroy();
    sockets.add(socket); // upgraded sockets leave the server's bookkeeping; close() must still end them
    proxy.upgrade(req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  opts.log?.info({ port, apiOrigin: opts.apiOrigin }, 'web inbox listening');

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Proxy failures (API down, restarting) as the contract's error shape, not an HTML page. */
function jsonProxyErrors(log: Logger | undefined): Plugin<http.IncomingMessage, http.ServerResponse> {
  return (proxyServer) => {
    proxyServer.on('error', (err, req, res) => {
      log?.warn({ err: err.message, url: req.url }, 'web inbox proxy error');
      if (res instanceof http.ServerResponse) {
        if (!res.headersSent) {
          res.writeHead(502, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'bad_gateway', message: 'The mail server is not reachable right now.' } }));
        } else res.end();
      } else {
        (res as Socket).destroy();
      }
    });
  };
}
