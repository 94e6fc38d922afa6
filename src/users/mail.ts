// Email, through the SMTP server the owner configured (nodemailer speaks SMTP; nothing here is
// hand-written protocol). Used for invitation links; without SMTP settings nothing is sent.
import nodemailer from 'nodemailer';
import type { SmtpSettings } from '../store/settings.js';

export type { SmtpSettings };


export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends one message; throws (with the server's or the network's words) when it is not accepted. */
export async function sendMail(smtp: SmtpSettings, message: MailMessage): Promise<void> {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls === 'tls',
    requireTLS: smtp.tls === 'starttls',
    ignoreTLS: smtp.tls === 'none',
    auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({ from: smtp.from, to: message.to, subject: message.subject, text: message.text });
  } finally {
    transport.close();
  }
}
