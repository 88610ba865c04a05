import { queuePositions } from '@beckon/core/routing/index';
import type { Conversation, QueueEntry } from '@beckon/protocol/chat-api';
import type { SlaBreachView } from '@beckon/protocol/sla-api';
import type { Logger } from '../logger.ts';
import type { WaitingConversation } from '../store/conversations-repo.ts';
import type { Store } from '../store/store.ts';
import type { ChatEvents } from './chat-events.ts';

/** An agent socket as the queue feed sees it. */
export interface QueueListener {
  /** Skills whose queues it sees, or 'all' (supervisors). */
  queueScope(): readonly string[] | 'all';
  onQueue(items: QueueEntry[]): void;
  /** Any conversation of the account changed (supervisors' live view). */
  onAccountConversation(c: Conversation): void;
  /** A conversation of the account missed a service level. */
  onSlaBreach(breach: SlaBreachView): void;
}

/** A visitor socket waiting in a queue: told its place whenever the queue changes. */
export interface PositionListener {
  readonly conversationId: string;
  onPosition(position: number | null): void;
}

interface AccountFeed {
  listeners: Set<QueueListener>;
  visitors: Set<PositionListener>;
  unsubscribe: Promise<() => Promise<void>>;
  timer?: NodeJS.Timeout;
}

const DEBOUNCE_MS = 100;
/** Most entries per skill in a queue snapshot (the head of each queue is what an agent acts on). */
export const QUEUE_SNAPSHOT_PER_SKILL = 100;

/** 1-based places of waiting conversations in their skills' queues, in the routing policy's order. */
export function positionsOf(waiting: readonly WaitingConversation[]): Map<string, number> {
  return queuePositions(
    waiting
      .filter((c) => c.skillId)
      .map((c) => ({
        id: c.id,
        skillId: c.skillId!,
        priority: c.priority,
        value: c.value,
        score: c.score,
        enqueuedAt: Date.parse(c.enqueuedAt),
      })),
  );
}

/** Builds the queue entries of an account, in queue order with positions per skill (the first 100 of each). */
export function queueEntries(
  waiting: readonly WaitingConversation[],
  positions = positionsOf(waiting),
): QueueEntry[] {
  const items = waiting.filter((c) => c.skillId);
  return items
    .map((c) => ({
      conversationId: c.id,
      skillId: c.skillId!,
      position: positions.get(c.id) ?? 0,
      status: c.status as QueueEntry['status'],
      priority: c.priority,
      value: c.value,
      enqueuedAt: c.enqueuedAt,
      visitorName: c.visitorName,
      contactId: c.contactId,
      visitorId: c.visitorId,
      channel: c.channel,
      topic: c.topic,
    }))
    .filter((e) => e.position <= QUEUE_SNAPSHOT_PER_SKILL)
    .sort((a, b) => (a.skillId === b.skillId ? a.position - b.position : a.skillId < b.skillId ? -1 : 1));
}

/**
 * Live queue snapshots for the agent sockets of this node, and live queue places for its waiting
 * visitors: one bus subscription per account, queue changes coalesced (100 ms) into one store
 * read, each agent socket sent the queues it may see, each visitor its own place.
 */
export class QueueFeed {
  private readonly feeds = new Map<string, AccountFeed>();

  constructor(
    private readonly store: Store,
    private readonly events: ChatEvents,
    private readonly log: Logger,
  ) {}

  private feed(accountId: string): AccountFeed {
    let feed = this.feeds.get(accountId);
    if (!feed) {
      const f: AccountFeed = {
        listeners: new Set(),
        visitors: new Set(),
        unsubscribe: Promise.resolve(async () => {}),
      };
      f.unsubscribe = this.events.onAccount(accountId, (e) => {
        if (e.t === 'queue.changed') this.changed(accountId, f);
        else if (e.t === 'sla.breached') for (const l of f.listeners) l.onSlaBreach(e.breach);
        else for (const l of f.listeners) l.onAccountConversation(e.conversation);
      });
      this.feeds.set(accountId, f);
      feed = f;
    }
    return feed;
  }

  /** Starts feeding a socket; it gets the current queue right away. */
  add(accountId: string, listener: QueueListener): void {
    const feed = this.feed(accountId);
    feed.listeners.add(listener);
    void this.refresh(accountId, feed, listener);
  }

  /** Tells a visitor socket its queue place from now on (it knows the current one already). */
  addVisitor(accountId: string, listener: PositionListener): void {
    this.feed(accountId).visitors.add(listener);
  }

  remove(accountId: string, listener: QueueListener | PositionListener): void {
    const feed = this.feeds.get(accountId);
    if (!feed) return;
    feed.listeners.delete(listener as QueueListener);
    feed.visitors.delete(listener as PositionListener);
    if (feed.listeners.size > 0 || feed.visitors.size > 0) return;
    clearTimeout(feed.timer);
    this.feeds.delete(accountId);
    void feed.unsubscribe.then((off) => off()).catch(() => {});
  }

  private changed(accountId: string, feed: AccountFeed): void {
    if (feed.timer) return;
    feed.timer = setTimeout(() => {
      feed.timer = undefined;
      void this.refresh(accountId, feed);
    }, DEBOUNCE_MS);
    feed.timer.unref();
  }

  private async refresh(accountId: string, feed: AccountFeed, only?: QueueListener): Promise<void> {
    try {
      const waiting = await this.store.conversations.waiting(accountId);
      const positions = positionsOf(waiting);
      const items = queueEntries(waiting, positions);
      for (const l of only ? [only] : feed.listeners) {
        const scope = l.queueScope();
        l.onQueue(scope === 'all' ? items : items.filter((i) => scope.includes(i.skillId)));
      }
      if (!only) for (const v of feed.visitors) v.onPosition(positions.get(v.conversationId) ?? null);
    } catch (err) {
      this.log.warn({ err, accountId }, 'queue snapshot failed');
    }
  }

  /** The bus is back after an outage: queue changes published meanwhile reached no one, so every feed reads its queue again. */
  async recover(): Promise<void> {
    await Promise.all([...this.feeds].map(([accountId, feed]) => this.refresh(accountId, feed)));
  }

  stop(): void {
    for (const feed of this.feeds.values()) {
      clearTimeout(feed.timer);
      void feed.unsubscribe.then((off) => off()).catch(() => {});
    }
    this.feeds.clear();
  }
}
