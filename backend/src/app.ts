// Starts ChitBox in this process: the core (compose.ts), the SMTP and IMAP
// listeners, the HTTP API with Socket.IO, and (when asked) the built web inbox. Used by
// main.ts and by the tests, which start it on port 0 with a throwaway data
// directory.
import http from 'node:http';
import net from 'node:net';
import { openCore } from './compose.js';
import type { Config } from './config/config.js';
import type { Core } from './core/core.js';
import { createHttpApp } from './http/http-app.js';
import { startInboxServer, type InboxServer } from './http/inbox-server.js';
import { startImapListener } from './imap/imap-listener.js';
import { installServerPatches } from './patches/index.js';
import { startRealtime } from './realtime/realtime-server.js';
import type { Logger } from './shared/logger.js';
import { startSmtpListener } from './smtp/smtp-listener.js';
import { relayDeniedReply } from './smtp/smtp-replies.js';
import type { MailStore } from './storage/mail-store.js';
import { VERSION } from './version.js';

export interface RunningChitbox {
  core: Core;
  /** for tests and tools that look behind the core */
  store: MailStore;
  httpPort: number;
  smtpPort: number;
  /** null when IMAP_ENABLED=false */
  imapPort: number | null;
  /** the port of the built web inbox, when this process serves it */
  inboxPort: number | null;
  stop(): Promise<void>;
}

export async function startChitbox(config: Config, log: Logger): Promise<RunningChitbox> {
  // imap-core's own error reports (connections reset, sockets timing out) are ChitBox debug lines.
  installServerPatches(relayDeniedReply, (m) => log.debug({ component: 'imap', error: m._error, code: m._code }, String(m.short_message ?? 'imap error')));
  const { core, store, socketAdapter, close } = await openCore(config, log, { runWorkers: true });
  const smtp = await startSmtpListener(config, core.intake, log.child({ component: 'smtp' }), core.smtpGuard);
  const imap = config.imap ? await startImapListener(config, core, log.child({ component: 'imap' }), VERSION) : null;
  const app = createHttpApp(core, { config, log, version: VERSION, smtpConnections: () => smtp.connections() });
  const httpServer = http.createServer(app);
  const realtime = startRealtime(httpServer, core, config, socketAdapter);
  core.metrics.bind({
    smtpConnections: () => smtp.connections(),
    socketClients: () => realtime.connectedClients(),
    queueCounts: () => core.admin.queueCounts(),
  });
  await listen(httpServer, config.http.port, config.http.host);
  const httpPort = (httpServer.address() as net.AddressInfo).port;
  const inbox = config.inbox.serve ? await startInbox(config, httpPort, log) : null;

  let stopping: Promise<void> | null = null;
  return {
    core,
    store,
    httpPort,
    smtpPort: smtp.port,
    imapPort: imap?.port ?? null,
    inboxPort: inbox?.port ?? null,
    stop() {
      stopping ??= (async () => {
        await inbox?.close();
        await smtp.close(config.shutdownTimeoutMs);
        await imap?.close();
        await realtime.close();
        httpServer.closeAllConnections();
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await close(config.shutdownTimeoutMs);
      })();
      return stopping;
    },
  };
}

/** The built inbox is optional: without a build, API and SMTP still run. */
async function startInbox(config: Config, httpPort: number, log: Logger): Promise<InboxServer | null> {
  const apiHost = ['0.0.0.0', '::'].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  try {
    return await startInboxServer({
      port: config.frontendPort,
      host: config.http.host,
      distDir: config.inbox.distDir,
      apiOrigin: `http://${apiHost.includes(':') ? `[${apiHost}]` : apiHost}:${httpPort}`,
      log: log.child({ component: 'inbox' }),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw err; // FRONTEND_PORT taken: say so, do not half-start
    log.warn({ err: (err as Error).message }, 'web inbox not served');
    return null;
  }
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
