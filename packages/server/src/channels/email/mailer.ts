import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { Logger } from 'nodemailer/lib/shared';
import { ChannelSendError } from '../channel.ts';

/**
 * Outgoing mail through the configured relay (nodemailer over SMTP). Failures become
 * `ChannelSendError`s the outbox understands: a 4xx reply or a network fault is worth another
 * try later; a 5xx reply (a refused address, a refused message) is not. A connection lost once
 * the message's closing dot has left may have delivered it (the server takes a message at the
 * dot and may not have answered yet): `mayHaveArrived`. Lost before the dot, the server must
 * drop the message (RFC 5321, 4.1.1.4): certainly not sent.
 */
export class Mailer {
  constructor(private readonly relayUrl: string | null) {}

  get configured(): boolean {
    return this.relayUrl !== null;
  }

  async send(mail: Mail.Options): Promise<void> {
    if (!this.relayUrl) throw new ChannelSendError('no outgoing mail server is set up', false);
    // A transport per mail (each opened its own connection anyway), so its log tells this mail's dot.
    let dotSent = false;
    const transport = nodemailer.createTransport({
      url: this.relayUrl,
      logger: dataEndWatcher(() => {
        dotSent = true;
      }),
    });
    try {
      await transport.sendMail(mail);
    } catch (err) {
      const e = err as Error & { responseCode?: number; response?: string; code?: string };
      if (typeof e.responseCode === 'number') {
        const why = `the mail server refused the mail: ${e.response ?? e.message}`;
        throw new ChannelSendError(why.slice(0, 500), e.responseCode < 500);
      }
      if (dotSent)
        throw new ChannelSendError(
          `the connection to the mail server broke after the mail was sent: ${e.code ?? e.message}`,
          true,
          undefined,
          true,
        );
      throw new ChannelSendError(`the mail server could not be reached: ${e.code ?? e.message}`, true);
    } finally {
      transport.close();
    }
  }

  close(): void {}
}

type LogEntry = { tnx?: unknown } | undefined;

/**
 * A logger for nodemailer that calls `onDataEnd` when the message's data, its closing dot
 * included, has been written to the connection: nodemailer logs the message's size (`tnx:
 * 'message'`) once its data stream has ended into the socket.
 */
function dataEndWatcher(onDataEnd: () => void): Logger {
  const ignore = () => {};
  return {
    info: (...params: unknown[]) => {
      if ((params[0] as LogEntry)?.tnx === 'message') onDataEnd();
    },
    trace: ignore,
    debug: ignore,
    warn: ignore,
    error: ignore,
    fatal: ignore,
  };
}
