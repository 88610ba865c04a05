import type { MessageWriter } from '../conversations/message-writer.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { type ScheduledRow, scheduledEchoId } from '../store/scheduled-messages-repo.ts';
import type { Store } from '../store/store.ts';
import { isStoreUnavailable } from '../store/store-availability.ts';

/** How long a claim holds a scheduled message before another node may take it over. */
const LEASE_MS = 30_000;
/** A store fault is tried again this much later, up to this many tries. */
const RETRY_MS = 15_000;
const MAX_ATTEMPTS = 5;

/**
 * Sends scheduled replies and note reminders when their time comes, on whichever node looks
 * first: each is claimed with a lease in the store (as the outbox's rows are), stored as a line of
 * the conversation under its author's name, and so leaves through the outbox like any reply. The
 * line's echo id is the schedule's, so a node that dies between storing and settling never makes a
 * second line: the next claim finds the first. Its author need not be signed in.
 */
export class ScheduledSender {
  private timer: NodeJS.Timeout | undefined;
  /** The sweep in progress: a second one waits for it, so none claims beside another of this node. */
  private running: Promise<number> | null = null;

  constructor(
    private readonly store: Store,
    private readonly writer: MessageWriter,
    private readonly log: Logger,
    /** A message was settled (sent, or failed for now or for good): see `scheduledChanged`. */
    private readonly onSettled: (conversationId: string) => void = () => {},
    private readonly everyMs = 1_000,
  ) {}

  start(): void {
    // A tick while a sweep still runs is skipped rather than queued.
    this.timer = setInterval(() => {
      if (!this.running) void this.sweep();
    }, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Sends what is due at `now`; returns how many lines this node stored. */
  async sweep(now = Date.now()): Promise<number> {
    while (this.running) await this.running;
    const run = this.claimAndSend(now);
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = null;
    }
  }

  private async claimAndSend(now: number): Promise<number> {
    let sent = 0;
    try {
      const rows = await this.store.scheduledMessages.claim(now, 50, LEASE_MS);
      for (const row of rows) if (await this.send(row, now)) sent++;
    } catch (err) {
      this.log.warn({ err }, 'sending scheduled messages failed');
    }
    return sent;
  }

  private async send(row: ScheduledRow, now: number): Promise<boolean> {
    const accountId = row.account_id;
    try {
      const conv = await this.store.conversations.get(accountId, row.conversation_id);
      const holds = conv.assignedAgentId === row.author_id;
      const r = await this.writer.append({
        accountId,
        conversationId: row.conversation_id,
        sender:
          Number(row.note) === 1
            ? { kind: 'note', agentId: row.author_id, name: row.author_name, supervisor: true }
            : // Its author may have handed the conversation on meanwhile: the reply is still the account's.
              {
                kind: 'agent',
                agentId: row.author_id,
                name: row.author_name,
                supervisor: false,
                automated: !holds,
              },
        echoId: scheduledEchoId(row.id),
        text: row.text,
      });
      if (!r.ok) throw r.error;
      await this.store.scheduledMessages.sent(row, r.message.seq, Date.now());
      this.onSettled(row.conversation_id);
      return !r.duplicate;
    } catch (err) {
      const lasting = err instanceof AppError && err.status < 500;
      const retry = !lasting && Number(row.attempts) < MAX_ATTEMPTS ? now + RETRY_MS : null;
      const reason =
        err instanceof AppError
          ? err.message
          : isStoreUnavailable(err)
            ? 'the store was unavailable'
            : 'not sent';
      if (!lasting) this.log.warn({ err, id: row.id }, 'a scheduled message was not sent');
      await this.store.scheduledMessages.failed(row, reason, retry, Date.now()).then(
        () => this.onSettled(row.conversation_id),
        (e) => this.log.warn({ err: e }, 'settling a scheduled message failed'),
      );
      return false;
    }
  }
}
