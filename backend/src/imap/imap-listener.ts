// The IMAP edge: WildDuck's imap-core speaks the protocol (parser, state
// machine, FETCH and SEARCH evaluation); its handlers here each turn a
// command into core calls (core/imap-mailbox.ts) and the result back.
// STARTTLS uses SMTP's certificate and follows its renewals.
import type net from 'node:net';
import { IMAPServer, type IMAPServerOptions } from '@zone-eu/wildduck/imap-core/index.js';
import type { Config } from '../config/config.js';
import type { Core } from '../core/core.js';
import type { Logger } from '../shared/logger.js';
import { followTlsMaterial, loadTlsMaterial } from '../shared/tls-material.js';
import { attachAuth } from './imap-auth.js';
import { attachFolderHandlers } from './imap-folder-handlers.js';
import { attachMessageHandlers } from './imap-message-handlers.js';
import { ImapNotifier } from './imap-notifier.js';

export interface ImapListener {
  readonly port: number;
  close(): Promise<void>;
}

/** `version` is what ID answers (RFC 2971). */
export async function startImapListener(config: Config, core: Core, log: Logger, version: string): Promise<ImapListener> {
  const imap = config.imap!;
  const tls = config.smtp.tls ? loadTlsMaterial(config.smtp.tls) : null;
  const options: IMAPServerOptions = {
    ...(tls ?? {}),
    // No certificate, no STARTTLS: imap-core would otherwise offer its own built-in one.
    disableSTARTTLS: !tls,
    // We decide when cleartext LOGIN is fine (imap-auth.ts: TLS or loopback), as SMTP AUTH does.
    ignoreSTARTTLS: true,
    id: { name: 'ChitBox', version, vendor: 'ChitBox' },
    maxMessage: config.smtp.maxMessageBytes,
    logger: false,
    skipFetchLog: true,
    closeTimeout: config.shutdownTimeoutMs,
  };
  const server = new IMAPServer(options);
  const notifier = new ImapNotifier(core, log);
  server.notifier = notifier;
  attachAuth(server, config, core, log);
  attachFolderHandlers(server, core);
  attachMessageHandlers(server, core, log);
  server.on('error', (err: Error) => log.warn({ err: err.message }, 'imap connection error'));
  // A response goes out in several writes (a FETCH's head, literal and end,
  // then the tagged OK). Under Nagle's algorithm each small write after the
  // first waits for the client to acknowledge the one before, and clients
  // delay that ACK (40 ms on Linux): a client waiting for each answer, or a
  // sync client whose pipeline runs dry, got one FETCH per 40 ms.
  server.server.on('connection', (socket: net.Socket) => socket.setNoDelay(true));

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(imap.port, imap.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const unwatchTls = followTlsMaterial(config.smtp.tls, (m) => server.updateSecureContext(m), log);

  return {
    port: (server.server.address() as net.AddressInfo).port,
    async close() {
      unwatchTls();
      notifier.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
