import nodemailer from 'nodemailer';
import type { Mailer } from '../activities/notifications';

/** An SMTP mailer for the notification activity (SMTP_URL, e.g. smtp://user:pass@relay:587). */
export function createSmtpMailer(smtpUrl: string): Mailer & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail(message);
    },
    close: () => transport.close(),
  };
}
