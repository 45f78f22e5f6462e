import nodemailer from 'nodemailer';

/** Sends one email; the notification outbox delivers through it when SMTP is configured. */
export interface Mailer {
  send(message: { from: string; to: string; subject: string; text: string; headers: Record<string, string> }): Promise<void>;
}

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
