// The SMTP edge: smtp-server options and hooks, each converting protocol input
// into one core call and the result back into a reply (STYLE.md practice 1).
import net from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';
import './enhanced-status.js';
import type { Config } from '../config/config.js';
import type { LocalRecipient } from '../core/recipients.js';
import type { MailIntake, SmtpSessionInfo } from '../core/mail-intake.js';
import { AppError, permFail, tempFail } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import { readMessage } from './read-message.js';
import { toSmtpError } from './smtp-replies.js';

export interface SmtpListener {
  readonly port: number;
  connections(): { active: number; total: number };
  /** stops accepting, waits for in-flight DATA (up to timeoutMs), closes sessions */
  close(timeoutMs: number): Promise<void>;
}

export async function startSmtpListener(config: Config, core: MailIntake, log: Logger): Promise<SmtpListener> {
  const recipients = new WeakMap<SMTPServerAddress, LocalRecipient>();
  const inFlight = new Set<Promise<unknown>>();
  const smtp = config.smtp;
  let totalConnections = 0;

  const server = new SMTPServer({
    name: smtp.hostname,
    banner: smtp.banner,
    size: smtp.maxMessageBytes,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: true,
    // We decide ourselves (onAuth) when cleartext AUTH is fine: TLS or loopback.
    allowInsecureAuth: true,
    hideSTARTTLS: true,
    rejectOversized: true,
    hideENHANCEDSTATUSCODES: false,
    hidePIPELINING: false,
    hide8BITMIME: false,
    hideSMTPUTF8: false,
    hideDSN: true,
    maxClients: smtp.maxClients,
    socketTimeout: smtp.socketTimeoutMs,
    closeTimeout: 1_000,
    disableReverseLookup: true,
    logger: false,

    onConnect(_session, callback) {
      totalConnections++;
      callback();
    },

    onAuth(auth: SMTPServerAuthentication, session: SMTPServerSession, callback) {
      if (!session.secure && !isLoopback(session.remoteAddress) && !smtp.allowInsecureAuth) {
        return callback(toSmtpError(permFail('auth_insecure', 'Must issue a STARTTLS command first')));
      }
      core
        .authenticate(auth.username ?? '', auth.password ?? '')
        .then((user) => callback(null, { user }))
        .catch((err) => callback(toSmtpError(err)));
    },

    onMailFrom(address, session, callback) {
      core.checkSender(address.address, sessionInfo(session)).then(() => callback(), (err) => callback(toSmtpError(err)));
    },

    onRcptTo(address, session, callback) {
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

    onData(stream, session, callback) {
      const local = session.envelope.rcptTo.map((a) => recipients.get(a)).filter((r): r is LocalRecipient => !!r);
      const work = readMessage(stream)
        .then(async ({ raw, sizeExceeded }) => {
          // smtp-server itself answers 552 5.3.4 when the size limit was hit.
          if (sizeExceeded) return callback(null);
          if (local.length === 0) throw tempFail('no_recipients', 'No valid recipients');
          const ids = await core.deliver(raw, local, sessionInfo(session));
          callback(null, `Ok: stored as ${ids.join(',')}`);
        })
        .catch((err) => {
          log.warn({ sessionId: session.id, err: err instanceof AppError ? err.code : err }, 'DATA refused');
          callback(toSmtpError(err));
        })
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
    },
  });

  server.on('error', (err) => log.warn({ err: err.message }, 'smtp connection error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(smtp.port, smtp.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as net.AddressInfo).port;

  return {
    port,
    connections: () => ({ active: (server as unknown as { connections: Set<unknown> }).connections.size, total: totalConnections }),
    async close(timeoutMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.race([Promise.allSettled([...inFlight]), delay(timeoutMs)]);
      await Promise.race([closed, delay(1_500)]);
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
  };
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/, '');
  return a === '::1' || (net.isIPv4(a) && a.startsWith('127.'));
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
