import type { RateLimit } from '../engagement/engagement-config.ts';
import { TokenBucket } from '../engagement/rate-limiter.ts';

interface TypingState {
  bucket: TokenBucket;
  /** The state last relayed, and when. */
  sent?: boolean;
  at: number;
  /** The latest state held back, relayed when `timer` fires. */
  pending?: boolean;
  timer?: NodeJS.Timeout;
}

/** The same typing state again within this long is not relayed. */
const TYPING_REPEAT_MS = 300;

/**
 * Typing signals of one socket, per conversation: at most `limit` are relayed; beyond it the
 * signals are coalesced — only the latest state goes, as soon as the limit allows — so a "stopped
 * typing" is never lost and a modest excess never closes the socket (a flood of them spends the
 * socket's frame budget like any frame).
 */
export class TypingGate {
  private readonly conversations = new Map<string, TypingState>();

  constructor(
    private readonly limit: RateLimit,
    private readonly relay: (conversationId: string, typing: boolean) => void,
    private readonly coalesced: () => void,
  ) {}

  push(conversationId: string, typing: boolean, now = Date.now()): void {
    let s = this.conversations.get(conversationId);
    if (!s) {
      s = { bucket: new TokenBucket(this.limit, now), at: 0 };
      this.conversations.set(conversationId, s);
    }
    if (s.timer) {
      s.pending = typing;
      this.coalesced();
      return;
    }
    if (typing === s.sent && now - s.at < TYPING_REPEAT_MS) return;
    if (s.bucket.take(now)) {
      this.send(conversationId, s, typing, now);
      return;
    }
    this.coalesced();
    s.pending = typing;
    const state = s;
    // One token is back after 1/rate seconds (the bucket had less than one).
    s.timer = setTimeout(() => this.flush(conversationId, state), Math.ceil(1000 / this.limit.rate));
    s.timer.unref();
  }

  private flush(conversationId: string, s: TypingState): void {
    s.timer = undefined;
    const typing = s.pending!;
    s.pending = undefined;
    const now = Date.now();
    if (typing === s.sent && now - s.at < TYPING_REPEAT_MS) return;
    s.bucket.take(now);
    this.send(conversationId, s, typing, now);
  }

  private send(conversationId: string, s: TypingState, typing: boolean, now: number): void {
    s.sent = typing;
    s.at = now;
    this.relay(conversationId, typing);
  }

  /** Forgets a conversation (no longer followed), dropping what it held back. */
  forget(conversationId: string): void {
    clearTimeout(this.conversations.get(conversationId)?.timer);
    this.conversations.delete(conversationId);
  }

  /** The socket closed: nothing held back goes out. */
  close(): void {
    for (const id of [...this.conversations.keys()]) this.forget(id);
  }
}
