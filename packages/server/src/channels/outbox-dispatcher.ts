import type { DeliveryStatus, Message } from '@beckon/protocol/chat-api';
import type { Contact } from '@beckon/protocol/contacts-api';
import type { ChatEvents } from '../conversations/chat-events.ts';
import type { Logger } from '../logger.ts';
import { backoffMs, LeaseWorker } from '../ops/lease-worker.ts';
import { bulkTurn, bulkTurnsWait, yieldTurn } from '../ops/socket-turns.ts';
import { IN_DOUBT_REASON, type OutboxRow } from '../store/outbox-repo.ts';
import type { Store } from '../store/store.ts';
import { Deferral } from '../store/wal-sync.ts';
import { type ChannelRegistry, ChannelSendError, type OutboundMessage, type SendResult } from './channel.ts';
import { DEFAULT_OUTBOX_OPTIONS, type OutboxOptions } from './outbox-config.ts';

/** The longest Retry-After honoured: a provider asking for more is tried again after a day. */
const MAX_PROVIDER_WAIT_MS = 86_400_000;
/** The longest a paced message waits for its moment in hand; further off, it is put off to it. */
const MAX_PACE_WAIT_MS = 5_000;
/** How late past half a step a held moment may still be used: a claim's own time on a busy store. */
const LATE_SLACK_MS = 50;
/**
 * How long a sent row's claim for more waits once every due row is in hand (ms): the claims of the
 * rows sent meanwhile are one, and by then the row's settle has committed, so a later line of its
 * conversation is free to go (see `LeaseWorkerOptions.settleWakeMs`).
 */
const SETTLE_WAKE_MS = 100;
/** The most sent rows settled in one commit. */
const SETTLE_BATCH = 200;
/**
 * Rows in hand per send slot of a channel: a paced row mostly waits for its moment, and holds no
 * slot meanwhile. With one count for rows in hand and sends, waiting rows and a slow relay's mails
 * filled it, and a broadcast left at about half its channels' limits (bench/notes.md, W12).
 */
export const IN_HAND_PER_SLOT = 4;

/** A claimed row until it settles: `settling` once its settle is on the way. */
interface InHand {
  row: OutboxRow;
  lost: AbortController;
  settling: boolean;
}

/** A paced row's spacing on its channel (ms), or null when it is not paced. */
function stepOf(row: OutboxRow): number | null {
  const perMinute = Number(row.pace_per_minute ?? 0);
  return perMinute > 0 ? 60_000 / perMinute : null;
}

/** A moment more than half a step past (and a claim's own time on a busy store) is missed. */
const isLate = (at: number, step: number, now: number) => now - at > step / 2 + LATE_SLACK_MS;

export { backoffMs };

/**
 * Works the outbox: claims due rows with a lease, hands each line to its channel with the
 * idempotency key `${conversationId}:${seq}`, and settles it — sent or delivered with the
 * provider's id; on a retryable failure queued again after a backoff; failed with the reason
 * when the failure is final, the tries are spent, or no channel of that kind is registered.
 * Every node may run one: the claim gives each row to one of them at a time. While a row is in
 * hand (waiting for its moment, being sent) its lease is extended every third of the lease (a
 * heartbeat, like a queue's visibility timeout), so a slow provider's answer never lets another
 * claim send it again. Only a node that died, or one cut off from the store for a whole lease,
 * lets a row go: it is claimed again and sent again with the same key, and the first claim's late
 * answer is fenced by its token (it settles nothing). A send that outlasts `sendTimeoutMs` is
 * given up and retried with the same key (its outcome is unknown); a row sent at most once (a
 * broadcast's) is settled in doubt instead, as is one whose connection broke after its request
 * left. So a row is sent once while its node lives and its channel answers in time; after a death
 * or a timeout, once where the provider dedupes on the key (push: the collapse id replaces a copy
 * on the phone).
 *
 * Woken right after a commit that queued lines (`store.messages.onOutbox`), and polled.
 */
export class OutboxDispatcher {
  private offOutbox: (() => void) | undefined;
  private readonly worker: LeaseWorker<OutboxRow>;
  /** Rows in hand, by id: their leases are extended until they settle. */
  private readonly inHand = new Map<string, InHand>();
  /** Moments taken for paced rows of a claimed batch, by row id, until each is sent. */
  private readonly moments = new Map<string, number>();
  /** The lines of a claimed batch as their channels need them, read together, by row id. */
  private readonly prepared = new Map<string, OutboundMessage | null>();
  /** Sent rows waiting to be settled together (one commit for all, with their provider ids). */
  private toSettle: {
    row: OutboxRow;
    status: 'sent' | 'delivered';
    providerId: string | null;
    done: (ok: boolean) => void;
    fail: (err: unknown) => void;
  }[] = [];
  private flushing = false;
  /** Late rows waiting for new moments, taken together (one statement per channel for all). */
  private toPace: {
    row: OutboxRow;
    step: number;
    done: (at: number) => void;
    fail: (err: unknown) => void;
  }[] = [];
  private pacing = false;
  /** Settles of sent rows on their way (stop waits for them). */
  private readonly settles = new Set<Promise<void>>();
  private heartbeat: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  /** Rows sent at most once waiting for their launch mark, written together (one commit, one sync). */
  private toLaunch: { row: OutboxRow; done: (marked: boolean) => void; fail: (err: unknown) => void }[] = [];
  private launching = false;
  /**
   * Per channel, its sends under way (from a row's moment to its channel's answer), at most
   * `concurrency`, and the rows at their moments waiting for a slot, first come first served. A
   * slow channel's sends (a mail relay taking half a second) hold only that channel's slots.
   */
  private readonly slots = new Map<string, { sending: number; waiting: (() => void)[] }>();

  constructor(
    private readonly store: Store,
    private readonly registry: ChannelRegistry,
    private readonly events: ChatEvents,
    private readonly log: Logger,
    private readonly opts: OutboxOptions = DEFAULT_OUTBOX_OPTIONS,
    /** Told of messages settled in doubt, per channel (the metrics). */
    private readonly onDoubt: (channel: string, n: number) => void = () => {},
  ) {
    // Rows in hand wait for their moments without a send slot, so more are held than sent at once.
    // A claim is a commit: while rows are in hand, the next claim waits for a quarter of the send slots.
    this.worker = new LeaseWorker(
      'outbox',
      (room) => this.claim(room),
      (row) => this.hold(row),
      log,
      {
        ...opts,
        concurrency: opts.concurrency * IN_HAND_PER_SLOT,
        minClaim: Math.ceil(opts.concurrency / 4),
        settleWakeMs: SETTLE_WAKE_MS,
      },
    );
  }

  /**
   * Claims due rows; the paced ones that hold no moment (or one they are too late for) take their
   * moments together, in one commit for the batch rather than one per message. The claim, the
   * batch's reads and its moments each run on a turn of their own: on a SQLite file they run on
   * the thread that serves sockets.
   */
  private async claim(room: number): Promise<OutboxRow[]> {
    const now = Date.now();
    const rows = await this.store.outbox.claim(
      now,
      room,
      this.opts.leaseMs,
      this.pacedEarlyMs(),
      this.unsynced(),
      (byChannel) => {
        for (const [channel, n] of byChannel) {
          this.log.warn({ channel, n }, 'outbox messages in doubt: their node stopped while sending them');
          this.onDoubt(channel, n);
        }
      },
    );
    if (rows.length === 0) return rows;
    await yieldTurn();
    await this.prepare(rows);
    await yieldTurn();
    const unpaced = rows.filter((row) => {
      const step = stepOf(row);
      return step !== null && (row.paced_at === null || isLate(Number(row.paced_at), step, now));
    });
    try {
      // Asked together, they are taken together: one statement per channel for the batch.
      const times = await Promise.all(unpaced.map((row) => this.newMoment(row, stepOf(row)!)));
      for (const [i, row] of unpaced.entries()) this.moments.set(row.id, times[i]!);
    } catch (err) {
      // Each takes its own moment when it is sent.
      this.log.warn({ err }, 'outbox moments not taken for the batch');
    }
    return rows;
  }

  start(): void {
    this.offOutbox ??= this.store.messages.onOutbox(() => this.wake());
    this.heartbeat ??= setInterval(() => {
      this.beating ??= this.beat().finally(() => {
        this.beating = undefined;
      });
    }, this.opts.leaseMs / 3);
    this.heartbeat.unref();
    this.worker.start();
  }

  /** Stops claiming; waits for the sends in flight to settle. */
  async stop(): Promise<void> {
    this.offOutbox?.();
    this.offOutbox = undefined;
    await this.worker.stop();
    while (this.settles.size > 0) await Promise.all([...this.settles]);
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await this.beating;
  }

  /** Works one claimed row, its lease extended by the heartbeat until it settles. */
  private async hold(row: OutboxRow): Promise<void> {
    const h: InHand = { row, lost: new AbortController(), settling: false };
    this.inHand.set(row.id, h);
    const done = () => {
      this.inHand.delete(row.id);
      this.moments.delete(row.id);
      this.prepared.delete(row.id);
    };
    let sent: { settled: Promise<void> } | undefined;
    try {
      sent = await this.deliver(h);
    } finally {
      if (!sent) done();
    }
    if (!sent) return;
    // Sent: its slot is free for the next row while the settle commits (and, on a SQLite file,
    // waits for its sync with the other settles). The row stays in hand, its lease extended, until then.
    const settling = sent.settled
      .catch((err) => this.log.warn({ err, id: row.id }, 'outbox settle failed'))
      .finally(() => {
        done();
        this.settles.delete(settling);
      });
    this.settles.add(settling);
  }

  /**
   * Extends the leases of the rows in hand, in one write. A row whose claim no longer holds it
   * (the store was away for a whole lease, and another node took it) is marked lost: if it has
   * not left yet it is not sent; if it is on its way, its answer settles nothing.
   */
  private async beat(): Promise<void> {
    if (this.inHand.size === 0) return;
    const held = [...this.inHand.values()];
    try {
      const kept = await this.store.outbox.extend(
        held.map((h) => h.row),
        Date.now() + this.opts.leaseMs,
      );
      for (const h of held) {
        // A row settled meanwhile is no longer `sending`: not lost, done.
        if (kept.has(h.row.id) || h.settling || !this.inHand.has(h.row.id)) continue;
        this.log.warn({ id: h.row.id, channel: h.row.channel }, 'outbox lease lost while in hand');
        h.lost.abort();
      }
    } catch (err) {
      this.log.warn({ err }, 'outbox lease not extended');
    }
  }

  /**
   * On a SQLite file, claims and moments do not wait for their syncs: lost in a crash, they are
   * taken again (rows due again are sent again, as they would be after a crash anyway), and each
   * settle's sync covers them. Each batch used to wait twice for a sync, behind the sender's pages,
   * before its first send. Settles still wait for theirs.
   */
  private unsynced(): Deferral | undefined {
    return this.store.walSync ? new Deferral() : undefined;
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
  private async pace(h: InHand): Promise<number | null | 'postponed'> {
    const { row } = h;
    const taken = this.moments.get(row.id);
    this.moments.delete(row.id);
    const step = stepOf(row);
    if (step === null) return null;
    const late = (at: number) => isLate(at, step, Date.now());
    let at = taken ?? (row.paced_at === null ? null : Number(row.paced_at));
    for (let tries = 0; tries < 3; tries++) {
      if (at === null || late(at)) at = await this.newMoment(row, step);
      const wait = at - Date.now();
      if (wait > Math.min(MAX_PACE_WAIT_MS, this.opts.leaseMs / 4)) {
        h.settling = true;
        await this.store.outbox.postpone(row, at, Date.now());
        return 'postponed';
      }
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (!late(at)) break;
    }
    return at;
  }

  /**
   * A send slot for a row at its moment; waits while `concurrency` sends are under way. A paced
   * row that waited past its moment goes back for a new one (false), so rows that waited together
   * never leave together.
   */
  private async slot(row: OutboxRow, at: number | null): Promise<boolean> {
    const slots = this.slots.get(row.channel) ?? { sending: 0, waiting: [] };
    this.slots.set(row.channel, slots);
    if (slots.sending < this.opts.concurrency) slots.sending++;
    else await new Promise<void>((r) => slots.waiting.push(r));
    const step = stepOf(row);
    if (at === null || step === null || !isLate(at, step, Date.now())) return true;
    this.freeSlot(row.channel);
    return false;
  }

  /** Hands the channel's slot to the next row waiting for one, or frees it. */
  private freeSlot(channel: string): void {
    const slots = this.slots.get(channel)!;
    const next = slots.waiting.shift();
    if (next) next();
    else slots.sending--;
  }

  /**
   * A new moment for a row that had none or came too late for its own. Rows that ask while a
   * taking is on its way wait for the next one and share it: one at a time, each row's own
   * statement made every late row of a channel wait in line for the channel's row.
   */
  private newMoment(row: OutboxRow, step: number): Promise<number> {
    return new Promise((done, fail) => {
      this.toPace.push({ row, step, done, fail });
      // After this turn: the rows asking in it are taken together.
      if (!this.pacing) {
        this.pacing = true;
        queueMicrotask(() => void this.flushPaces());
      }
    });
  }

  private async flushPaces(): Promise<void> {
    try {
      while (this.toPace.length > 0) {
        const batch = this.toPace.splice(0);
        const groups = new Map<string, typeof batch>();
        for (const p of batch) {
          const key = `${p.row.account_id}\u0000${p.row.channel}\u0000${p.step}`;
          const group = groups.get(key);
          if (group) group.push(p);
          else groups.set(key, [p]);
        }
        const wants = [...groups.values()];
        try {
          const times = await this.store.sendSlots.paceMany(
            wants.map((g) => ({
              accountId: g[0]!.row.account_id,
              channel: g[0]!.row.channel,
              step: g[0]!.step,
              n: g.length,
            })),
            Date.now(),
            this.unsynced(),
          );
          for (const [i, g] of wants.entries()) for (const [j, p] of g.entries()) p.done(times[i]![j]!);
        } catch (err) {
          for (const p of batch) p.fail(err);
        }
      }
    } finally {
      this.pacing = false;
    }
  }

  /** Sends one claimed row and settles it; a sent row's settle is returned, not awaited. */
  private async deliver(h: InHand): Promise<{ settled: Promise<void> } | undefined> {
    const { row } = h;
    let at: number | null;
    for (;;) {
      // A broadcast's message goes after the live work waiting for the thread (chats first).
      if (Number(row.once) === 1 && bulkTurnsWait(this.opts)) await bulkTurn(this.opts);
      const paced = await this.pace(h);
      if (paced === 'postponed') return;
      at = paced;
      // Late for its moment after the wait for a slot: the next pace takes a new one.
      if (await this.slot(row, at)) break;
    }
    try {
      return await this.send(h, at);
    } finally {
      this.freeSlot(row.channel);
    }
  }

  /**
   * A paced row whose launch mark was committed after its moment had passed (the store or the node
   * was slow since its slot was taken) takes a new moment and waits for it before its request
   * leaves: rows whose moments passed during one stall would otherwise reach the provider together,
   * over the channel's limit. A launched row may not go back to the store, so it waits in hand, for
   * no longer than a held row would.
   */
  private async catchUp(row: OutboxRow, at: number | null): Promise<void> {
    const step = stepOf(row);
    if (at === null || step === null || !isLate(at, step, Date.now())) return;
    let next: number;
    try {
      next = await this.newMoment(row, step);
    } catch {
      // The store could not give one: the launched message leaves now rather than be left in doubt.
      return;
    }
    const wait = Math.min(next - Date.now(), MAX_PACE_WAIT_MS, this.opts.leaseMs / 4);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  /** Sends a row at its moment, holding a send slot; a sent row's settle is returned, not awaited. */
  private async send(h: InHand, at: number | null): Promise<{ settled: Promise<void> } | undefined> {
    const { row } = h;
    const channel = this.registry.get(row.channel);
    // From each settle on, the row stops being `sending`: the heartbeat no longer finds it, as meant.
    const settle = () => {
      h.settling = true;
      return this;
    };
    if (!channel) {
      await settle().settleFailure(row, `no channel for ${row.channel} is set up`, false);
      return;
    }
    const msg = await this.outbound(row);
    if (!msg) {
      await settle().settleFailure(row, 'the message no longer exists', false);
      return;
    }
    // Another claim holds the row now: it sends; this one must not.
    if (h.lost.signal.aborted) return;
    // Sent at most once: the row is marked launched, durably, before the request. A crash from here
    // on leaves it in doubt, never sent again.
    if (Number(row.once) === 1 && !(await this.launch(row))) return;
    await this.catchUp(row, at);
    let result: SendResult;
    let timer: NodeJS.Timeout | undefined;
    let sending: Promise<SendResult> | undefined;
    // Made only when the time is up: an error's stack costs more than the rest of a send's bookkeeping.
    let noAnswer: ChannelSendError | undefined;
    try {
      // The lease is extended while the send runs; a channel that never answers is given up on.
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          noAnswer = new ChannelSendError('the channel did not answer in time', true);
          reject(noAnswer);
        }, this.opts.sendTimeoutMs);
      });
      sending = channel.send(msg);
      result = await Promise.race([sending, late]);
    } catch (err) {
      // Sent at most once, and the provider may have it (no answer in time, or the connection
      // broke after the request left): in doubt, never tried again.
      const mayHaveArrived =
        (noAnswer !== undefined && err === noAnswer) ||
        (err instanceof ChannelSendError && err.retryable && err.mayHaveArrived);
      if (sending && mayHaveArrived && Number(row.once) === 1) {
        settle();
        await this.givenUp(
          row,
          noAnswer !== undefined && err === noAnswer ? sending : undefined,
          (err as ChannelSendError).reason,
        );
        return;
      }
      const final = err instanceof ChannelSendError && !err.retryable;
      const reason = err instanceof ChannelSendError ? err.reason : String((err as Error)?.message ?? err);
      if (!(err instanceof ChannelSendError))
        this.log.warn({ err, channel: row.channel }, 'channel send threw');
      const wait = err instanceof ChannelSendError ? err.retryAfterMs : undefined;
      await settle().settleFailure(row, reason, !final, wait);
      return;
    } finally {
      clearTimeout(timer);
    }
    // Wrapped: an async function's returned promise would be awaited before it returns.
    const settled = settle()
      .settleSent(row, result.status, result.providerId ?? null)
      .then((ok) => {
        if (ok) this.announce(row, result.status, null);
      });
    return { settled };
  }

  /**
   * Marks a row sent at most once as launched, with the others launching meanwhile: one commit (and
   * on a SQLite file one sync) for all, awaited before any of their requests. False when the claim
   * no longer holds the row: it is not sent.
   */
  private launch(row: OutboxRow): Promise<boolean> {
    return new Promise((done, fail) => {
      this.toLaunch.push({ row, done, fail });
      if (this.launching) return;
      this.launching = true;
      void (async () => {
        try {
          while (this.toLaunch.length > 0) {
            const batch = this.toLaunch.splice(0, SETTLE_BATCH);
            try {
              const marked = await this.store.outbox.launch(
                batch.map((l) => l.row),
                Date.now(),
              );
              for (const l of batch) l.done(marked.has(l.row.id));
            } catch (err) {
              for (const l of batch) l.fail(err);
            }
          }
        } finally {
          this.launching = false;
        }
      })();
    });
  }

  /**
   * A row sent at most once that the provider may have (its channel did not answer in time, or the
   * connection broke after the request left): in doubt rather than tried again. A late answer, if
   * one is still coming (`sending`), settles it sent.
   */
  private async givenUp(
    row: OutboxRow,
    sending: Promise<SendResult> | undefined,
    why: string,
  ): Promise<void> {
    if (!(await this.store.outbox.inDoubt(row, Date.now()))) return;
    this.log.warn({ id: row.id, channel: row.channel, reason: why }, 'outbound message in doubt');
    this.onDoubt(row.channel, 1);
    this.announce(row, 'failed', IN_DOUBT_REASON);
    void sending
      ?.then(async (late) => {
        if (await this.settleSent(row, late.status, late.providerId ?? null))
          this.announce(row, late.status, null);
      })
      .catch(() => {});
  }

  /**
   * Settles a sent row with its provider id (so a reply quoting it finds its thread), in one
   * commit with the other rows sent meanwhile: while one commit and its sync to disk run, the
   * next rows gather. False when the claim had lapsed and another holds the row.
   */
  private settleSent(
    row: OutboxRow,
    status: 'sent' | 'delivered',
    providerId: string | null,
  ): Promise<boolean> {
    return new Promise((done, fail) => {
      this.toSettle.push({ row, status, providerId, done, fail });
      if (!this.flushing) void this.flushSettles();
    });
  }

  private async flushSettles(): Promise<void> {
    this.flushing = true;
    try {
      while (this.toSettle.length > 0) {
        const batch = this.toSettle.splice(0, SETTLE_BATCH);
        const now = Date.now();
        try {
          const held = await this.store.outbox.sentMany(batch, now);
          for (const s of batch) s.done(held.has(s.row.id));
        } catch (err) {
          for (const s of batch) s.fail(err);
        }
      }
    } finally {
      this.flushing = false;
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

  /**
   * Reads the lines of a claimed batch, their conversations and contacts in three reads for all.
   * Three reads per row made a batch of 64 wait 192 times for the store; on SQLite each waited
   * for the sender's page transaction then open. A row left out reads its own when it is sent.
   * The reads take turns of their own, like the claim.
   */
  private async prepare(rows: readonly OutboxRow[]): Promise<void> {
    const byAccount = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const list = byAccount.get(row.account_id);
      if (list) list.push(row);
      else byAccount.set(row.account_id, [row]);
    }
    try {
      for (const [accountId, list] of byAccount) {
        const messages = await this.store.messages.atSeqs(
          accountId,
          list.map((r) => ({ conversationId: r.conversation_id, seq: Number(r.seq) })),
        );
        await yieldTurn();
        const contactOf = await this.store.conversations.contactIds(accountId, [
          ...new Set(list.map((r) => r.conversation_id)),
        ]);
        const contactIds = [...new Set([...contactOf.values()].filter((c): c is string => c !== null))];
        await yieldTurn();
        const contacts = await this.store.contacts.findPage(accountId, contactIds);
        for (const row of list) {
          const message = messages.get(`${row.conversation_id}:${Number(row.seq)}`);
          const contactId = contactOf.get(row.conversation_id);
          if (!message || contactId === undefined) {
            this.prepared.set(row.id, null);
            continue;
          }
          const contact = contactId === null ? null : (contacts.get(contactId)?.contact ?? null);
          this.prepared.set(row.id, this.outboundOf(row, message, contact));
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'outbox batch not read ahead');
    }
  }

  /** The line as its channel needs it: text, files, the contact, the agent's name. */
  private async outbound(row: OutboxRow): Promise<OutboundMessage | undefined> {
    const ready = this.prepared.get(row.id);
    if (ready !== undefined) {
      this.prepared.delete(row.id);
      return ready ?? undefined;
    }
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
    return this.outboundOf(row, message, contact);
  }

  private outboundOf(row: OutboxRow, message: Message, contact: Contact | null): OutboundMessage {
    return {
      accountId: row.account_id,
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
