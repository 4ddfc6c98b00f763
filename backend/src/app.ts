// Starts ChitBox in this process: core services, the SMTP listener, the HTTP
// API with Socket.IO, and (when asked) the built web inbox. Used by main.ts
// and by the tests, which start it on port 0 with a throwaway data directory.
import http from 'node:http';
import net from 'node:net';
import type { Config } from './config/config.js';
import { buildOperations, type Operations } from './core/operations.js';
import { OutboundWorker } from './core/outbound-queue.js';
import { buildServices, type Services } from './core/services.js';
import { createHttpApp } from './http/http-app.js';
import { startInboxServer, type InboxServer } from './http/inbox-server.js';
import { startRealtime } from './realtime/realtime-server.js';
import { createSmtpRelay } from './relay/smtp-relay.js';
import type { Logger } from './shared/logger.js';
import { startSmtpListener } from './smtp/smtp-listener.js';
import { VERSION } from './version.js';

export interface RunningChitbox {
  services: Services;
  ops: Operations;
  httpPort: number;
  smtpPort: number;
  /** the port of the built web inbox, when this process serves it */
  inboxPort: number | null;
  stop(): Promise<void>;
}

export async function startChitbox(config: Config, log: Logger): Promise<RunningChitbox> {
  const services = await buildServices(config, log);
  await services.parser.start();
  const ops = await buildOperations(services, { deliverWebhooks: true });
  const smtp = await startSmtpListener(config, services.intake, log.child({ component: 'smtp' }), ops.smtpGuard);
  const app = createHttpApp(services, { version: VERSION, smtpConnections: () => smtp.connections(), ops });
  const httpServer = http.createServer(app);
  const realtime = startRealtime(httpServer, services, (seconds) => ops.metrics.emitLatency(seconds));
  ops.metrics.bind({
    smtpConnections: () => smtp.connections(),
    socketClients: () => realtime.connectedClients(),
    queueCounts: () => ops.queue.counts(),
  });
  await listen(httpServer, config.http.port, config.http.host);
  const httpPort = (httpServer.address() as net.AddressInfo).port;
  const relay = config.relay ? createSmtpRelay(config.relay, config.smtp.hostname) : null;
  const outbound = new OutboundWorker(services, relay, log.child({ component: 'outbound' }));
  await outbound.start();
  const inbox = config.inbox.serve ? await startInbox(config, httpPort, log) : null;

  let stopping: Promise<void> | null = null;
  return {
    services,
    ops,
    httpPort,
    smtpPort: smtp.port,
    inboxPort: inbox?.port ?? null,
    stop() {
      stopping ??= (async () => {
        await inbox?.close();
        await smtp.close(config.shutdownTimeoutMs);
        await outbound.stop(config.shutdownTimeoutMs);
        await ops.stop();
        await realtime.close();
        httpServer.closeAllConnections();
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await services.parser.close();
        await services.db.close();
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
