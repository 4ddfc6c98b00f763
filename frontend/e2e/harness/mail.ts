// Sends test mail over real SMTP, as an outside sender would.
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';

export async function sendMail(smtpPort: number, message: Mail.Options): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ from: 'Sender Person <sender@outside.example>', ...message });
  } finally {
    transport.close();
  }
}

/** Several messages over one SMTP connection, back to back (a burst). */
export async function sendBurst(smtpPort: number, messages: Mail.Options[]): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
  try {
    await Promise.all(messages.map((m) => transport.sendMail({ from: 'Sender Person <sender@outside.example>', ...m })));
  } finally {
    transport.close();
  }
}

/** Raw bytes with an envelope of their own (a message without headers, as curl uploads it). */
export async function sendRaw(smtpPort: number, envelope: { from: string; to: string[] }, raw: string): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ envelope, raw });
  } finally {
    transport.close();
  }
}
