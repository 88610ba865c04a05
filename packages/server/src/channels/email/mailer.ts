import { Readable } from 'node:stream';
import type Mail from 'nodemailer/lib/mailer';
import type MailMessage from 'nodemailer/lib/mailer/mail-message';
import type { Logger } from 'nodemailer/lib/shared';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { ChannelSendError } from '../channel.ts';

interface Nodemailer {
  createTransport: typeof import('nodemailer').createTransport;
  parseConnectionUrl: typeof import('nodemailer/lib/shared').parseConnectionUrl;
  SMTPConnection: typeof SMTPConnection;
}
let library: Promise<Nodemailer> | undefined;
/**
 * nodemailer, loaded with the first mail sent: a node that sends no mail (and most test
 * processes) skips its modules.
 */
function nodemailer(): Promise<Nodemailer> {
  library ??= Promise.all([
    import('nodemailer'),
    import('nodemailer/lib/shared'),
    import('nodemailer/lib/smtp-connection'),
  ]).then(([main, shared, connection]) => ({
    createTransport: main.default.createTransport,
    parseConnectionUrl: shared.parseConnectionUrl,
    SMTPConnection: connection.default,
  }));
  return library;
}

/** What sends the node's outgoing mail: a `Mailer` on this thread, or a `MailThread`. */
export interface MailSender {
  /** Whether a relay is set up. */
  readonly configured: boolean;
  /** Sends one mail; fails with a `ChannelSendError` the outbox understands. */
  send(mail: Mail.Options): Promise<void>;
  /** Closes the connections kept open (on shutdown). */
  close(): void;
}

/** Connections kept open for the next mails; more at once close after their mail. */
const IDLE_CONNECTIONS = 8;
/** How long an open connection waits for its next mail before it says QUIT (ms). */
const IDLE_MS = 2_000;
/** Mails sent over one connection before it is closed and another opened. */
const MAILS_PER_CONNECTION = 100;

/** An open connection to the relay, one mail at a time. */
interface Lane {
  smtp: SMTPConnection;
  mails: number;
  /** Told when the mail in hand's data, its closing dot included, has been written. */
  dot: (() => void) | null;
  /** Fails the step in hand when the connection errs or ends without answering it. */
  fail: ((err: Error) => void) | null;
  idle: NodeJS.Timeout | null;
  gone: boolean;
}

/**
 * Outgoing mail through the configured relay (nodemailer over SMTP). Failures become
 * `ChannelSendError`s the outbox understands: a 4xx reply or a network fault is worth another
 * try later; a 5xx reply (a refused address, a refused message) is not. A connection lost once
 * the message's closing dot has left may have delivered it (the server takes a message at the
 * dot and may not have answered yet): `mayHaveArrived`. Lost before the dot, the server must
 * drop the message (RFC 5321, 4.1.1.4): certainly not sent.
 *
 * A connection carries one mail at a time and stays open a moment for the next, as a relay
 * expects of a client sending many (a broadcast's): one per mail made each of them connect, greet
 * and say QUIT, about a third of a mail's CPU on the socket thread. A kept connection the relay
 * closed meanwhile is replaced once, as long as not a byte of the mail had left on it.
 */
export class Mailer implements MailSender {
  /** Open connections waiting for a mail, the last used on top. */
  private readonly idle: Lane[] = [];
  private closed = false;

  constructor(private readonly relayUrl: string | null) {}

  get configured(): boolean {
    return this.relayUrl !== null;
  }

  async send(mail: Mail.Options): Promise<void> {
    if (!this.relayUrl) throw new ChannelSendError('no outgoing mail server is set up', false);
    let dotSent = false;
    // The message is composed as nodemailer composes it; it leaves over a kept connection.
    const composer = (await nodemailer()).createTransport({
      name: 'SMTP',
      version: 'beckon',
      send: (m: MailMessage, done: (err: Error | null, info?: unknown) => void) => {
        this.deliver(m, () => {
          dotSent = true;
        }).then(
          (info) => done(null, info),
          (err: Error) => done(err),
        );
      },
    });
    try {
      await composer.sendMail(mail);
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
    }
  }

  /** Closes the connections kept open (on shutdown). */
  close(): void {
    this.closed = true;
    for (const lane of this.idle.splice(0)) this.drop(lane, true);
  }

  /**
   * Sends a composed mail over a kept connection, or a new one. The mail is built whole first and
   * leaves in one write. Streamed, each part went to the socket on its own: 14 writes for a
   * broadcast's HTML mail instead of 5, and about a tenth more CPU a mail on the socket thread.
   */
  private async deliver(mail: MailMessage, onDot: () => void): Promise<SMTPConnection.SentMessageInfo> {
    const envelope = mail.message.getEnvelope();
    const raw = await mail.message.build();
    for (let tries = 0; ; tries++) {
      const lane = this.take() ?? (await this.open());
      const reused = lane.mails > 0;
      const stream = oneChunk(raw);
      lane.dot = onDot;
      try {
        const info = await this.step<SMTPConnection.SentMessageInfo>(lane, (done) =>
          lane.smtp.send(envelope, stream, done),
        );
        lane.mails++;
        this.release(lane);
        return info;
      } catch (err) {
        this.drop(lane, false);
        // Closed by the relay while it waited, before a byte of this mail left: another connection.
        if (
          reused &&
          tries === 0 &&
          !stream.readableDidRead &&
          (err as { responseCode?: number }).responseCode === undefined
        )
          continue;
        throw err;
      } finally {
        lane.dot = null;
      }
    }
  }

  /** One exchange on a lane; an error or end of the connection meanwhile fails it too. */
  private step<T>(lane: Lane, run: (done: (err: Error | null, value?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let over = false;
      const end = (err: Error | null, value?: T) => {
        if (over) return;
        over = true;
        lane.fail = null;
        if (err) reject(err);
        else resolve(value as T);
      };
      lane.fail = (err) => end(err);
      run(end);
    });
  }

  private async open(): Promise<Lane> {
    const { parseConnectionUrl, SMTPConnection } = await nodemailer();
    const options = parseConnectionUrl(this.relayUrl!);
    const lane: Lane = {
      smtp: undefined as unknown as SMTPConnection,
      mails: 0,
      dot: null,
      fail: null,
      idle: null,
      gone: false,
    };
    lane.smtp = new SMTPConnection({ ...options, logger: dataEndWatcher(() => lane.dot?.()) });
    const lost = (err: Error) => {
      lane.gone = true;
      this.forget(lane);
      lane.fail?.(err);
    };
    lane.smtp.on('error', lost);
    lane.smtp.on('end', () =>
      lost(Object.assign(new Error('the connection closed'), { code: 'ECONNECTION' })),
    );
    try {
      await this.step<void>(lane, (done) => lane.smtp.connect((err) => done(err ?? null)));
      const auth = options.auth as { user?: string; pass?: string } | undefined;
      if (auth?.user && (lane.smtp.allowsAuth || options.forceAuth))
        await this.step<void>(lane, (done) =>
          lane.smtp.login({ user: auth.user!, pass: auth.pass ?? '' }, (err) => done(err ?? null)),
        );
    } catch (err) {
      this.drop(lane, false);
      throw err;
    }
    return lane;
  }

  private take(): Lane | undefined {
    for (let lane = this.idle.pop(); lane; lane = this.idle.pop()) {
      clearTimeout(lane.idle ?? undefined);
      lane.idle = null;
      if (!lane.gone) return lane;
    }
    return undefined;
  }

  private release(lane: Lane): void {
    if (
      this.closed ||
      lane.gone ||
      lane.mails >= MAILS_PER_CONNECTION ||
      this.idle.length >= IDLE_CONNECTIONS
    ) {
      this.drop(lane, true);
      return;
    }
    lane.idle = setTimeout(() => {
      this.forget(lane);
      this.drop(lane, true);
    }, IDLE_MS);
    lane.idle.unref();
    this.idle.push(lane);
  }

  private forget(lane: Lane): void {
    const at = this.idle.indexOf(lane);
    if (at >= 0) this.idle.splice(at, 1);
  }

  /** Closes a lane: with QUIT when it is sound, at once when it failed. */
  private drop(lane: Lane, sound: boolean): void {
    clearTimeout(lane.idle ?? undefined);
    const wasGone = lane.gone;
    lane.gone = true;
    if (sound && !wasGone) lane.smtp.quit();
    else lane.smtp.close();
  }
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

/** A composed mail as a stream of one chunk; whether it was read tells whether a byte of it left. */
function oneChunk(raw: Buffer): Readable {
  return new Readable({
    read() {
      this.push(raw);
      this.push(null);
    },
  });
}
