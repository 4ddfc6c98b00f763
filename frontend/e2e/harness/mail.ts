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
