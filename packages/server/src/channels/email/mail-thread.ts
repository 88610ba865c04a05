import { Worker } from 'node:worker_threads';
import type Mail from 'nodemailer/lib/mailer';
import { threadExecArgv } from '../../thread-argv.ts';
import { ChannelSendError } from '../channel.ts';
import type { MailSender } from './mailer.ts';

/** What the node asks of its mail thread. */
export type ToMailThread = { t: 'send'; id: number; mail: Mail.Options } | { t: 'close' };

/** What the mail thread answers, one per mail. */
export type FromMailThread =
  | { t: 'sent'; id: number }
  | {
      t: 'failed';
      id: number;
      reason: string;
      retryable: boolean;
      retryAfterMs?: number;
      mayHaveArrived: boolean;
    };

/**
 * Outgoing mail composed and sent on a thread of its own: its `Mailer` keeps the connections to
 * the relay there. Composing a mail (MIME parts, headers, boundaries) and its SMTP exchange took
 * about a millisecond of the socket thread a mail; a broadcast's mails took that from the chats
 * beside it (bench/notes.md, W12). The thread starts with the first mail, so a node that sends
 * none never starts it. A thread that fails with mails in hand fails them as possibly sent (their
 * data may have left); the next mail starts another.
 */
export class MailThread implements MailSender {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly relayUrl: string | null) {}

  get configured(): boolean {
    return this.relayUrl !== null;
  }

  send(mail: Mail.Options): Promise<void> {
    if (!this.relayUrl)
      return Promise.reject(new ChannelSendError('no outgoing mail server is set up', false));
    if (this.closed) return Promise.reject(new ChannelSendError('the node is stopping', true));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      try {
        worker.postMessage({ t: 'send', id, mail } satisfies ToMailThread);
      } catch (err) {
        // A value that cannot be copied to the thread: nothing left.
        this.settle(
          id,
          new ChannelSendError(`the mail could not be composed: ${(err as Error).message}`, false),
        );
      }
    });
  }

  /** Asks the thread to close its kept connections and end (on shutdown). */
  close(): void {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    worker.postMessage({ t: 'close' } satisfies ToMailThread);
    worker.unref();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./mail-thread-worker.js', import.meta.url), {
      workerData: { relayUrl: this.relayUrl },
      execArgv: threadExecArgv(),
    });
    this.worker = worker;
    worker.on('message', (m: FromMailThread) =>
      this.settle(
        m.id,
        m.t === 'sent' ? null : new ChannelSendError(m.reason, m.retryable, m.retryAfterMs, m.mayHaveArrived),
      ),
    );
    const gone = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      for (const id of [...this.pending.keys()])
        this.settle(id, new ChannelSendError(`the mail thread ${why}`, true, undefined, true));
    };
    worker.on('error', (err) => gone(`failed: ${err.message}`));
    worker.on('exit', (code) => gone(`exited (${code})`));
    return worker;
  }

  private settle(id: number, err: Error | null): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    if (err) p.reject(err);
    else p.resolve();
  }
}
