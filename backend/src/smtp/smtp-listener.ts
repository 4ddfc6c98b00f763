// The SMTP edge: smtp-server options and hooks, each converting protocol input
// into one core call and the result back into a reply (STYLE.md practice 1).
import type net from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';
import type { Config } from '../config/config.js';
import type { Recipient } from '../core/submission-policy.js';
import type { MailIntake, SmtpSessionInfo } from '../core/mail-intake.js';
import type { SmtpGuard } from '../core/smtp-guard.js';
import { closeGracefully } from './graceful-close.js';
import { isLoopbackAddress } from '../core/rate-limits.js';
import { AppError, permFail, tempFail } from '../shared/app-error.js';
import { connectionById, openConnectionCount } from '../patches/smtp-server-connections.js';
import { SessionDeadlines } from './session-deadlines.js';
import { checkParameters, mailParameters, RCPT_PARAMETERS } from './esmtp-parameters.js';
import { BlockPool } from './block-pool.js';
import { ReceiveBudget } from './receive-budget.js';
import type { Logger } from '../shared/logger.js';
import { readMessage } from './read-message.js';
import { toSmtpError } from './smtp-replies.js';
import { followTlsMaterial, loadTlsMaterial } from '../shared/tls-material.js';

export interface SmtpListener {
  readonly port: number;
  connections(): { active: number; total: number };
  /** stops accepting, waits for in-flight DATA (up to timeoutMs), closes sessions */
  close(timeoutMs: number): Promise<void>;
}

export async function startSmtpListener(config: Config, core: MailIntake, log: Logger, guard?: SmtpGuard): Promise<SmtpListener> {
  const recipients = new WeakMap<SMTPServerAddress, Recipient>();
  const inFlight = new Set<Promise<unknown>>();
  const smtp = config.smtp;
  let totalConnections = 0;
  // All sessions together hold at most this much DATA in memory (receive-budget.ts).
  const receiveBudget = new ReceiveBudget(smtp.dataBufferBytes);
  // DATA is gathered in reused 64 KiB blocks (block-pool.ts); up to 16 MiB of them stay for the next messages.
  const blockPool = new BlockPool(64 * 1024, Math.min(smtp.dataBufferBytes, 16 * 1024 * 1024));
  // STARTTLS only with a configured certificate.
  const tls = smtp.tls ? loadTlsMaterial(smtp.tls) : null;
  const disabledCommands = tls ? [] : ['STARTTLS'];
  const cleartextAuthAllowed = (session: SMTPServerSession) =>
    session.secure || isLoopbackAddress(session.remoteAddress) || smtp.allowInsecureAuth;
  // Closes a session that stops making progress (session-deadlines.ts); `server` exists by the time one fires.
  const deadlines = new SessionDeadlines(
    { idleMs: smtp.idleTimeoutMs, authenticatedIdleMs: smtp.socketTimeoutMs, dataMs: smtp.dataTimeoutMs },
    (sessionId, kind) => {
      const connection = connectionById(server, sessionId);
      if (!connection) return;
      log.info({ sessionId, kind }, 'smtp session closed: deadline passed');
      connection.send(421, kind === 'data' ? '4.4.2 DATA took too long, closing connection' : '4.4.2 Idle too long, closing connection');
      connection.close();
    },
  );

  const server = new SMTPServer({
    name: smtp.hostname,
    banner: smtp.banner,
    size: smtp.maxMessageBytes,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: true,
    // We decide ourselves (onAuth) when cleartext AUTH is fine: TLS or loopback.
    allowInsecureAuth: true,
    hideSTARTTLS: !tls,
    disabledCommands,
    ...(tls ?? {}),
    rejectOversized: true,
    hideENHANCEDSTATUSCODES: false,
    hidePIPELINING: false,
    hide8BITMIME: false,
    hideSMTPUTF8: false,
    hideDSN: true,
    maxClients: smtp.maxClients,
    socketTimeout: smtp.socketTimeoutMs,
    // close() ends idle sessions itself and lets DATA finish (graceful-close.ts).
    closeTimeout: config.shutdownTimeoutMs + 1_000,
    disableReverseLookup: true,
    logger: false,

    onConnect(session, callback) {
      // The connection counts may be shared with other instances (Redis): asked, not looked up.
      (guard ? guard.admitConnection(session) : Promise.resolve()).then(
        () => {
          // Password AUTH is offered only where the password cannot be read on the way: TLS or this host.
          if (!cleartextAuthAllowed(session)) session.disabledCommands = [...disabledCommands, 'AUTH'];
          totalConnections++;
          deadlines.progress(session.id, false);
          callback();
        },
        (err) => callback(toSmtpError(err)),
      );
    },

    onClose(session) {
      deadlines.closed(session.id);
      guard?.connectionClosed(session);
    },

    onSecure(_socket, session, callback) {
      session.disabledCommands = [...disabledCommands];
      callback();
    },

    onAuth(auth: SMTPServerAuthentication, session: SMTPServerSession, callback) {
      if (!cleartextAuthAllowed(session)) {
        return callback(toSmtpError(permFail('auth_insecure', 'Must issue a STARTTLS command first')));
      }
      // The envelope was checked as the session was before AUTH: a new identity needs a new transaction.
      if (session.envelope.mailFrom) {
        return callback(toSmtpError(permFail('auth_in_transaction', 'AUTH is not permitted during a mail transaction')));
      }
      core
        .authenticate(auth.username ?? '', auth.password ?? '', sessionInfo(session))
        .then((user) => {
          guard?.authResult(session, auth.username ?? '', true);
          deadlines.progress(session.id, true);
          callback(null, { user });
        })
        .catch((err) => {
          guard?.authResult(session, auth.username ?? '', false);
          callback(toSmtpError(err));
        });
    },

    onMailFrom(address, session, callback) {
      try {
        checkParameters('MAIL FROM', address.args, mailParameters(session.secure));
      } catch (err) {
        return callback(toSmtpError(err));
      }
      (guard ? guard.admitMessage(sessionInfo(session)) : Promise.resolve())
        .then(() => core.checkSender(address.address, sessionInfo(session)))
        .then(
          () => {
            deadlines.progress(session.id, !!session.user);
            callback();
          },
          (err) => callback(toSmtpError(err)),
        );
    },

    onRcptTo(address, session, callback) {
      try {
        checkParameters('RCPT TO', address.args, RCPT_PARAMETERS);
      } catch (err) {
        return callback(toSmtpError(err));
      }
      if (session.envelope.rcptTo.length >= smtp.maxRecipients) {
        return callback(toSmtpError(new AppError('tempFail', 'too_many_recipients', 'Too many recipients')));
      }
      core
        .resolveRecipient(address.address, sessionInfo(session))
        .then((local) => {
          recipients.set(address, local);
          callback();
        })
        .catch((err) => callback(toSmtpError(err)));
    },

    // DATA's message, and BDAT's chunks of one transaction as one stream (patches/smtp-server-chunking.ts).
    onData(stream, session, callback) {
      const local = session.envelope.rcptTo.map((a) => recipients.get(a)).filter((r): r is Recipient => !!r);
      const lease = receiveBudget.open();
      deadlines.dataStarted(session.id);
      const work = readMessage(stream, blockPool, lease)
        .then(async ({ raw, sizeExceeded }) => {
          deadlines.dataReceived(session.id);
          // smtp-server itself answers 552 5.3.4 when the size limit was hit.
          if (sizeExceeded) {
            guard?.rejected(0);
            return callback(null);
          }
          if (local.length === 0) throw tempFail('no_recipients', 'No valid recipients');
          const deliver = () => core.deliver(raw, local, sessionInfo(session));
          const ids = await (guard ? guard.process(sessionInfo(session), raw.length, deliver) : deliver());
          callback(null, `Ok: stored as ${ids.join(',')}`);
        })
        .catch((err) => {
          log.warn({ sessionId: session.id, err: err instanceof AppError ? err.code : err }, 'DATA refused');
          callback(toSmtpError(err));
        })
        .finally(() => {
          lease.release();
          inFlight.delete(work);
          deadlines.progress(session.id, !!session.user);
        });
      inFlight.add(work);
    },
  });

  // smtp-server reports socket errors without the session; the peer is what it gives.
  server.on('error', (err: Error & { remoteAddress?: string }) =>
    log.warn({ err: err.message, remoteAddress: err.remoteAddress }, 'smtp connection error'),
  );
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(smtp.port, smtp.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as net.AddressInfo).port;
  const unwatchTls = followTlsMaterial(smtp.tls, (m) => server.updateSecureContext(m), log);

  return {
    port,
    connections: () => ({ active: openConnectionCount(server), total: totalConnections }),
    async close(timeoutMs) {
      unwatchTls();
      await closeGracefully(server, inFlight, timeoutMs);
    },
  };
}

function sessionInfo(session: SMTPServerSession): SmtpSessionInfo {
  const user = session.user as { id: number; email: string } | undefined;
  return {
    id: session.id,
    remoteAddress: session.remoteAddress,
    helo: session.hostNameAppearsAs ?? '',
    secure: session.secure,
    user: user ?? null,
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
  };
}
