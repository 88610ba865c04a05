import nodemailer, { type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { ChannelSendError } from '../channel.ts';

/**
 * Outgoing mail through the configured relay (nodemailer over SMTP). Failures become
 * `ChannelSendError`s the outbox understands: a 4xx reply or a network fault is worth another
 * try later; a 5xx reply (a refused address, a refused message) is not.
 */
export class Mailer {
  private readonly transport: Transporter | null;

  constructor(relayUrl: string | null) {
    this.transport = relayUrl ? nodemailer.createTransport(relayUrl) : null;
  }

  get configured(): boolean {
    return this.transport !== null;
  }

  async send(mail: Mail.Options): Promise<void> {
    if (!this.transport) throw new ChannelSendError('no outgoing mail server is set up', false);
    try {
      await this.transport.sendMail(mail);
    } catch (err) {
      const e = err as Error & { responseCode?: number; response?: string; code?: string };
      if (typeof e.responseCode === 'number') {
        const why = `the mail server refused the mail: ${e.response ?? e.message}`;
        throw new ChannelSendError(why.slice(0, 500), e.responseCode < 500);
      }
      throw new ChannelSendError(`the mail server could not be reached: ${e.code ?? e.message}`, true);
    }
  }

  close(): void {
    this.transport?.close();
  }
}
