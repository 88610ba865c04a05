import type Mail from 'nodemailer/lib/mailer';
import { RequestThread } from '../../ops/request-thread.ts';
import { ChannelSendError } from '../channel.ts';
import { Mailer, type MailSender } from './mailer.ts';

/** A failed mail as the thread reports it: the fields of its `ChannelSendError`. */
export interface MailFailure {
  reason: string;
  retryable: boolean;
  retryAfterMs?: number;
  mayHaveArrived: boolean;
}

/**
 * Outgoing mail composed and sent on a thread of its own: its `Mailer` keeps the connections to
 * the relay there. Composing a mail (MIME parts, headers, boundaries) and its SMTP exchange took
 * about a millisecond of the socket thread a mail; a broadcast's mails took that from the chats
 * beside it (bench/notes.md, W12). The thread starts at the 20th mail, so a node that sends
 * a few never starts it; until it is ready, mails leave from this thread (a paced mail does not
 * wait for the thread's start and leave with the next one). A thread that fails with mails in
 * hand fails them as possibly sent (their data may have left); the next mail starts another.
 */
export class MailThread implements MailSender {
  /** Sends the mails that come before the thread is ready. */
  private readonly local: Mailer;
  private readonly thread: RequestThread<Mail.Options, null, MailFailure, undefined>;
  private closed = false;

  constructor(private readonly relayUrl: string | null) {
    this.local = new Mailer(relayUrl);
    this.thread = new RequestThread({
      entry: new URL('./mail-thread-worker.js', import.meta.url),
      workerData: { relayUrl },
      value: () => undefined,
      error: (e) => new ChannelSendError(e.reason, e.retryable, e.retryAfterMs, e.mayHaveArrived),
      lost: (why) => new ChannelSendError(`the mail thread ${why}`, true, undefined, true),
      // Its kept connections say QUIT; it ends once they have closed.
      onClose: 'ask',
    });
  }

  get configured(): boolean {
    return this.relayUrl !== null;
  }

  async send(mail: Mail.Options): Promise<void> {
    if (!this.relayUrl)
      return Promise.reject(new ChannelSendError('no outgoing mail server is set up', false));
    if (this.closed) return Promise.reject(new ChannelSendError('the node is stopping', true));
    if (!this.thread.takes()) return this.local.send(mail);
    // A value that cannot be copied to the thread: nothing left.
    return this.thread.ask(
      mail,
      (err) => new ChannelSendError(`the mail could not be composed: ${err.message}`, false),
    );
  }

  /** Starts the thread and resolves once it takes mails (tests; a warm start). */
  started(): Promise<void> {
    return this.thread.started();
  }

  /** Closes the connections kept open here and in the thread, which then ends (on shutdown). */
  close(): void {
    this.closed = true;
    this.local.close();
    this.thread.close();
  }
}
