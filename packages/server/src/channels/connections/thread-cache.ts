import type { Conversation } from '@beckon/protocol/chat-api';
import type { Contact, ContactKeys } from '@beckon/protocol/contacts-api';
import type { AccountEvent } from '../../conversations/chat-events.ts';

/**
 * How long a sender's thread is trusted without asking the store: what no event tells (a contact
 * merged, a consent withdrawn) is read again at most this late. The contact's `last_seen_at` moves
 * with the lines meanwhile (`Thread.seenAt`).
 */
export const THREAD_TTL_MS = 60_000;
/** Entries kept per node; the oldest go first. */
const MAX_THREADS = 50_000;

/** A sender's thread on a connection, as the last full delivery left it. */
export interface Thread {
  contact: Contact;
  conversation: Conversation;
  at: number;
  /** When the contact's `last_seen_at` was last moved (by the full path, or by a line). */
  seenAt: number;
}

/** What the cache needs from the node: the account's conversation changes, and whether it hears them all. */
export interface ThreadCacheDeps {
  /** Subscribes to an account's events (ChatEvents.onAccount); resolves once the subscription is live. */
  onAccount(accountId: string, fn: (e: AccountEvent) => void): Promise<unknown>;
  /** False while this node may miss events (the bus is down): nothing is trusted then. */
  hearing(): boolean;
  clock?: () => number;
}

/** One key per sender: a phone, a platform id or an address; null when the keys name none. */
function senderKey(connectionId: string, from: ContactKeys): string | null {
  const id = from.phone
    ? `p:${from.phone}`
    : from.platform?.id
      ? `x:${from.platform.kind}:${from.platform.id}`
      : from.email
        ? `e:${from.email.toLowerCase()}`
        : null;
  return id && `${connectionId}\u0000${id}`;
}

/**
 * Per node: the conversation a customer's last message on a connection joined, and their contact.
 * The next message from them, while that conversation is open and with an agent, is appended to it
 * directly (one line in the message writer's group commit) instead of resolving the contact and the
 * thread again: about a dozen store calls fewer per message.
 *
 * Kept true by construction: an entry is made only once this node hears every conversation change
 * of the account (its `conversation.updated` events, over the bus on several nodes); a change to the
 * cached conversation replaces its state, a change to another conversation of the same contact (a
 * new one) drops the entry, and while the bus is down nothing is trusted. Entries last THREAD_TTL_MS:
 * what no event tells (a contact merged, a consent withdrawn) is read again by then.
 */
export class ThreadCache {
  private readonly threads = new Map<string, Thread>();
  /** Keys by conversation id and by `c:` + contact id. */
  private readonly index = new Map<string, Set<string>>();
  /** Accounts this node listens to: true once live. */
  private readonly accounts = new Map<string, boolean>();
  private readonly clock: () => number;

  constructor(private readonly deps: ThreadCacheDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /** The sender's fresh thread, if this node knows one. */
  get(connectionId: string, from: ContactKeys): Thread | undefined {
    if (!this.deps.hearing()) {
      this.clear();
      return undefined;
    }
    const key = senderKey(connectionId, from);
    const t = key ? this.threads.get(key) : undefined;
    if (!t) return undefined;
    if (this.clock() - t.at < THREAD_TTL_MS) return t;
    this.drop(key!);
    return undefined;
  }

  /** Remembers where a full delivery went; the first time for an account, starts listening to it instead. */
  remember(
    accountId: string,
    connectionId: string,
    from: ContactKeys,
    contact: Contact,
    conversation: Conversation,
  ): void {
    const key = senderKey(connectionId, from);
    if (!key || !this.deps.hearing()) return;
    const live = this.accounts.get(accountId);
    if (live === undefined) this.listen(accountId);
    if (!live) return;
    this.drop(key);
    if (this.threads.size >= MAX_THREADS) this.drop(this.threads.keys().next().value!);
    const at = this.clock();
    this.threads.set(key, { contact, conversation, at, seenAt: at });
    this.link(conversation.id, key);
    this.link(`c:${contact.id}`, key);
  }

  /** Forgets everything (the bus went down: changes may have been missed). */
  clear(): void {
    this.threads.clear();
    this.index.clear();
  }

  private listen(accountId: string): void {
    this.accounts.set(accountId, false);
    this.deps
      .onAccount(accountId, (e) => {
        if (e.t === 'conversation.updated') this.changed(e.conversation);
      })
      .then(
        () => this.accounts.set(accountId, true),
        () => this.accounts.delete(accountId),
      );
  }

  /** A conversation changed, on any node. */
  private changed(c: Conversation): void {
    for (const key of this.index.get(c.id) ?? []) {
      const t = this.threads.get(key);
      if (t) t.conversation = c;
    }
    if (!c.contactId) return;
    for (const key of [...(this.index.get(`c:${c.contactId}`) ?? [])]) {
      if (this.threads.get(key)?.conversation.id !== c.id) this.drop(key);
    }
  }

  private link(ref: string, key: string): void {
    const keys = this.index.get(ref) ?? new Set<string>();
    if (keys.size === 0) this.index.set(ref, keys);
    keys.add(key);
  }

  private unlink(ref: string, key: string): void {
    const keys = this.index.get(ref);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.index.delete(ref);
  }

  private drop(key: string): void {
    const t = this.threads.get(key);
    if (!t) return;
    this.threads.delete(key);
    this.unlink(t.conversation.id, key);
    this.unlink(`c:${t.contact.id}`, key);
  }
}
