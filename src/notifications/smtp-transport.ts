// SMTP over nodemailer (SMTP_URL, e.g. smtp://user:pass@mail.example.com:587).
import nodemailer from 'nodemailer';
import type { MailTransport } from './mailer.ts';

export const MAIL_FROM = 'leadhook <no-reply@leadhook.invalid>';

export function createSmtpTransport(smtpUrl: string): { send: MailTransport; close(): void } {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    send: async (message) => {
      await transporter.sendMail({ from: MAIL_FROM, to: message.to, subject: message.subject, text: message.text });
    },
    close: () => transporter.close(),
  };
}
