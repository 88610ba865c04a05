import type { DeliveryStatus } from '@beckon/protocol/chat-api';
import type { ChatEvents } from '../conversations/chat-events.ts';
import type { Logger } from '../logger.ts';
import { backoffMs, LeaseWorker } from '../ops/lease-worker.ts';
import type { OutboxRow } from '../store/outbox-repo.ts';
import type { Store } from '../store/store.ts';
import { type ChannelRegistry, ChannelSendError, type OutboundMessage } from './channel.ts';
import { DEFAULT_OUTBOX_OPTIONS, type OutboxOptions } from './outbox-config.ts';

/** The longest Retry-After honoured: a provider asking for more is tried again after a day. */
const MAX_PROVIDER_WAIT_MS = 86_400_000;
/** The longest a paced message waits for its moment in hand; further off, it is put off to it. */
const MAX_PACE_WAIT_MS = 5_000;
/** How late past half a step a held moment may still be used: a claim's own time on a busy store. */
const LATE_SLACK_MS = 50;

export { backoffMs };

/**
 * Works the outbox: claims due rows with a lease, hands each line to its channel with the
 * idempotency key `${conversationId}:${seq}`, and settles it — sent or delivered with the
 * provider's id; on a retryable failure queued again after a backoff; failed with the reason
 * when the failure is final, the tries are spent, or no channel of that kind is registered.
 * Every node may run one: the claim gives each row to one of them at a time. A row whose lease
 * ran out (its node died mid-send) is claimed again and sent again with the same key: delivery
 * is at least once, and exactly once where the provider dedupes on the key.
 *
 * Woken right after a commit that queued lines (`store.messages.onOutbox`), and polled.
 */
export class OutboxDispatcher {
  private offOutbox: (() => void) | undefined;
  private readonly worker: LeaseWorker<OutboxRow>;

  constructor(
    private readonly store: Store,
    private readonly registry: ChannelRegistry,
    private readonly events: ChatEvents,
    private readonly log: Logger,
    private readonly opts: OutboxOptions = DEFAULT_OUTBOX_OPTIONS,
  ) {
    this.worker = new LeaseWorker(
      'outbox',
      (room) => this.store.outbox.claim(Date.now(), room, this.opts.leaseMs, this.pacedEarlyMs()),
      (row) => this.deliver(row),
      log,
      opts,
    );
  }

  start(): void {
    this.offOutbox ??= this.store.messages.onOutbox(() => this.wake());
    this.worker.start();
  }

  /** Stops claiming; waits for the sends in flight to settle. */
  async stop(): Promise<void> {
    this.offOutbox?.();
    this.offOutbox = undefined;
    await this.worker.stop();
  }

  /** Looks for due rows now (after a commit that queued some, or a manual retry). */
  wake(): void {
    this.worker.wake();
  }

  /** How long before its moment a held row is claimed: a poll, within what a sender may wait in hand. */
  private pacedEarlyMs(): number {
    return Math.min(this.opts.pollMs, MAX_PACE_WAIT_MS, this.opts.leaseMs / 4);
  }

  /**
   * A broadcast's message keeps its account's pace on the channel: it takes the next moment from
   * the store (shared by every node) and waits for it, or, when that is further off than a short
   * wait, is put off to it holding it. A held row is claimed up to a poll before its moment and
   * waits for it here, so in the normal course it is on time. One that comes more than half a step
   * late (a node stalled, or none was up: a restart) takes a new moment, like a wait that overslept,
   * so messages that fell due together never leave together.
   */
  private async pace(row: OutboxRow): Promise<'go' | 'postponed'> {
    const perMinute = Number(row.pace_per_minute ?? 0);
    if (perMinute <= 0) return 'go';
    const step = 60_000 / perMinute;
    const late = (at: number) => Date.now() - at > step / 2 + LATE_SLACK_MS;
    let at = row.paced_at === null ? null : Number(row.paced_at);
    for (let tries = 0; tries < 3; tries++) {
      if (at === null || late(at))
        at = await this.store.sendSlots.pace(row.account_id, row.channel, Date.now(), step);
      const wait = at - Date.now();
      if (wait > Math.min(MAX_PACE_WAIT_MS, this.opts.leaseMs / 4)) {
        await this.store.outbox.postpone(row, at, Date.now());
        return 'postponed';
      }
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (!late(at)) break;
    }
    return 'go';
  }

  /** Sends one claimed row and settles it. */
  private async deliver(row: OutboxRow): Promise<void> {
    if ((await this.pace(row)) === 'postponed') return;
    const channel = this.registry.get(row.channel);
    if (!channel) return this.settleFailure(row, `no channel for ${row.channel} is set up`, false);
    const msg = await this.outbound(row);
    if (!msg) return this.settleFailure(row, 'the message no longer exists', false);
    let result: Awaited<ReturnType<typeof channel.send>>;
    let timer: NodeJS.Timeout | undefined;
    try {
      // A send that outlives its lease may run twice (another claim takes the row): give up on it first.
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ChannelSendError('the channel did not answer in time', true)),
          this.opts.leaseMs,
        );
      });
      result = await Promise.race([channel.send(msg), late]);
    } catch (err) {
      const final = err instanceof ChannelSendError && !err.retryable;
      const reason = err instanceof ChannelSendError ? err.reason : String((err as Error)?.message ?? err);
      if (!(err instanceof ChannelSendError))
        this.log.warn({ err, channel: row.channel }, 'channel send threw');
      const wait = err instanceof ChannelSendError ? err.retryAfterMs : undefined;
      return this.settleFailure(row, reason, !final, wait);
    } finally {
      clearTimeout(timer);
    }
    const now = Date.now();
    if (await this.store.outbox.sent(row, result.status, result.providerId ?? null, now)) {
      // Announced before any other write: a receipt committed meanwhile ("read") shares that
      // write's sync to disk and would be announced first, then overtaken by this older status.
      this.announce(row, result.status, null);
      if (result.providerId) await this.remember(row, result.providerId, now);
    }
  }

  /**
   * A retryable failure is tried again after a backoff (or after the wait the provider asked for,
   * when longer) until the tries are spent; any other is final.
   */
  private async settleFailure(
    row: OutboxRow,
    reason: string,
    retryable: boolean,
    retryAfterMs?: number,
  ): Promise<void> {
    const now = Date.now();
    const attempts = Number(row.attempts);
    const again = retryable && attempts < this.opts.maxAttempts;
    const why = retryable && !again ? `${reason} (gave up after ${attempts} tries)` : reason;
    const asked = Math.min(retryAfterMs ?? 0, MAX_PROVIDER_WAIT_MS);
    const retryAt = again ? now + Math.max(backoffMs(attempts, this.opts), asked) : null;
    if (!(await this.store.outbox.failed(row, why, retryAt, now))) return;
    if (again) this.log.info({ id: row.id, attempts, reason }, 'outbound message will be retried');
    else {
      this.log.warn({ id: row.id, channel: row.channel, reason: why }, 'outbound message failed');
      this.announce(row, 'failed', why);
    }
  }

  /** The line as its channel needs it: text, files, the contact, the agent's name. */
  private async outbound(row: OutboxRow): Promise<OutboundMessage | undefined> {
    const accountId = row.account_id;
    const [message] = await this.store.messages.after(accountId, row.conversation_id, Number(row.seq) - 1, {
      limit: 1,
    });
    if (!message || message.seq !== Number(row.seq)) return undefined;
    const conversation = await this.store.conversations.find(accountId, row.conversation_id);
    if (!conversation) return undefined;
    const contact = conversation.contactId
      ? ((await this.store.contacts.find(accountId, conversation.contactId)) ?? null)
      : null;
    return {
      accountId,
      conversationId: row.conversation_id,
      seq: message.seq,
      channel: row.channel,
      contact,
      text: message.text,
      attachments: message.attachments,
      idempotencyKey: row.idempotency_key,
      senderName: message.senderName,
      ...(row.payload ? { payload: JSON.parse(row.payload) as Record<string, unknown> } : {}),
    };
  }

  /** A sent line's provider id, so a reply quoting it (In-Reply-To…) finds its thread. */
  private async remember(row: OutboxRow, providerId: string, now: number): Promise<void> {
    await this.store.channelConnections.sentPart(
      row.account_id,
      row.channel,
      row.conversation_id,
      Number(row.seq),
      providerId,
      now,
    );
  }

  /**
   * A channel's receipt for a line it sent (a provider's delivery or read report): the line moves
   * forward, never back, and agents see it.
   */
  async receipt(
    accountId: string,
    where: Parameters<Store['outbox']['report']>[1],
    status: 'delivered' | 'read',
  ): Promise<boolean> {
    const row = await this.store.outbox.report(accountId, where, status, Date.now());
    if (row) this.announce(row, status, null);
    return row !== undefined;
  }

  /** A provider's report that a line it took never arrived: failed with its reason, for a Retry. */
  async undelivered(
    accountId: string,
    where: Parameters<Store['outbox']['undelivered']>[1],
    reason: string,
  ): Promise<boolean> {
    const row = await this.store.outbox.undelivered(accountId, where, reason, Date.now());
    if (row) {
      this.log.warn({ id: row.id, channel: row.channel, reason }, 'provider reported a line undelivered');
      this.announce(row, 'failed', reason);
    }
    return row !== undefined;
  }

  private announce(row: OutboxRow, status: DeliveryStatus, reason: string | null): void {
    this.events.toConversation(row.conversation_id, {
      t: 'message.delivery',
      seq: Number(row.seq),
      status,
      reason,
    });
  }

  /** A failed line queued again by hand; agents see it queued. */
  async retry(accountId: string, conversationId: string, seq: number): Promise<void> {
    const row = await this.store.outbox.retry(accountId, conversationId, seq, Date.now());
    this.announce(row, 'queued', null);
    this.wake();
  }
}
