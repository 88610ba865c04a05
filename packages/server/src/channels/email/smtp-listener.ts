import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { KeyedLimiter } from '../../conversations/chat-limits.ts';
import type { Logger } from '../../logger.ts';
import type { EmailConfig } from './email-config.ts';
import type { EmailIntake, Recipient } from './email-intake.ts';
import { MalformedMail } from './mail-message.ts';

/** An SMTP reply: the code the client sees with its text. */
const reply = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/** What the listener counts, by outcome (`stored`, `duplicate`, `dropped`, `rejected`, `deferred`). */
export type SmtpOutcome = 'stored' | 'duplicate' | 'dropped' | 'rejected' | 'deferred';

/**
 * The built-in SMTP listener (an MX for the configured domain): refuses unknown recipients at
 * RCPT (550), floods at MAIL FROM (450 per sender, 421 per client), mails over the size limit
 * (552); reads the rest and answers 250 only once the mail is stored, 451 when the store is out.
 */
export class SmtpListener {
  private readonly server: SMTPServer;
  private readonly perSender: KeyedLimiter;
  private readonly perClient: KeyedLimiter;
  /** The recipients of the transaction under way, found at RCPT. */
  private readonly recipients = new WeakMap<object, Recipient[]>();

  constructor(
    private readonly config: EmailConfig,
    private readonly intake: EmailIntake,
    private readonly count: (outcome: SmtpOutcome) => void,
    private readonly log: Logger,
  ) {
    this.perSender = new KeyedLimiter(config.perSender);
    this.perClient = new KeyedLimiter(config.perClient);
    this.server = new SMTPServer({
      name: config.domain,
      banner: 'Beckon',
      size: config.maxBytes,
      // An MX takes mail from anyone without a login; only the recipients are checked.
      authOptional: true,
      disabledCommands: ['AUTH'],
      disableReverseLookup: true,
      logger: false,
      closeTimeout: 3000,
      onMailFrom: (address, session, cb) => cb(this.admit(address.address, session)),
      onRcptTo: (address, session, cb) => {
        this.rcpt(address.address, session).then(cb, (err: Error) => {
          this.log.warn({ err: err.message }, 'recipient lookup failed');
          cb(reply(451, 'Temporary failure looking up the recipient; try again later'));
        });
      },
      onData: (stream, session, cb) => this.data(stream, session, cb),
    });
    this.server.on('error', (err) => this.log.warn({ err: err.message }, 'smtp listener error'));
  }

  /** Starts listening; answers the port (useful with port 0). */
  async listen(): Promise<number> {
    const port = this.config.smtpPort ?? 0;
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(port, this.config.smtpHost, () => {
        this.server.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private admit(sender: string, session: SMTPServerSession): Error | null {
    if (!this.perClient.take(session.remoteAddress)) {
      this.count('rejected');
      return reply(421, 'Too many mails from your address; try again later');
    }
    if (sender && !this.perSender.take(sender.toLowerCase())) {
      this.count('rejected');
      return reply(450, `Too many mails from ${sender}; try again later`);
    }
    return null;
  }

  private async rcpt(address: string, session: SMTPServerSession): Promise<Error | null> {
    const found = await this.intake.recipient(address);
    if (!found) return reply(550, `No mailbox here by the name ${address}`);
    const list = this.recipients.get(session.envelope) ?? [];
    list.push(found);
    this.recipients.set(session.envelope, list);
    return null;
  }

  private data(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    cb: (err?: Error | null, message?: string) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      // Past the limit the bytes are read and thrown away; the server answers 552 itself.
      if (!stream.sizeExceeded) chunks.push(chunk);
    });
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        this.count('rejected');
        cb(reply(552, `Message exceeds the maximum size of ${this.config.maxBytes} bytes`));
        return;
      }
      const from = session.envelope.mailFrom;
      const sender = from ? from.address : null;
      const recipients = this.recipients.get(session.envelope) ?? [];
      this.intake.accept(Buffer.concat(chunks), sender, recipients).then(
        (outcome) => {
          this.count(outcome.kind === 'dropped' ? 'dropped' : outcome.duplicate ? 'duplicate' : 'stored');
          cb(null, outcome.kind === 'dropped' ? 'OK: accepted, not answered (automatic mail)' : 'OK: stored');
        },
        (err: Error) => {
          if (err instanceof MalformedMail) {
            this.count('rejected');
            cb(reply(550, `5.6.0 ${err.message}`));
            return;
          }
          // Nothing was acknowledged: the sending server keeps the mail and tries again.
          this.count('deferred');
          this.log.warn({ err: err.message }, 'mail not stored; deferred');
          cb(reply(451, 'Temporary failure storing the message; try again later'));
        },
      );
    });
  }
}
