/**
 * The agent's typing indicator as the visitor sees it: "typing" is sent once and refreshed every
 * few seconds while keys keep coming, and "stopped" follows a pause, a send, or leaving the chat.
 */

/** Refresh "typing" this often while the agent keeps typing (the visitor's side forgets it after ~8 s). */
const REFRESH_MS = 3000;
/** No key for this long: the agent stopped typing. */
const IDLE_MS = 5000;

interface Entry {
  sentAt: number;
  idle: number;
}

export class TypingSignal {
  private readonly active = new Map<string, Entry>();

  constructor(private readonly send: (conversationId: string, typing: boolean) => void) {}

  set(conversationId: string, typing: boolean): void {
    const entry = this.active.get(conversationId);
    if (!typing) {
      if (!entry) return;
      window.clearTimeout(entry.idle);
      this.active.delete(conversationId);
      this.send(conversationId, false);
      return;
    }
    const now = Date.now();
    if (entry) window.clearTimeout(entry.idle);
    const sentAt = !entry || now - entry.sentAt >= REFRESH_MS ? now : entry.sentAt;
    if (sentAt === now) this.send(conversationId, true);
    const idle = window.setTimeout(() => this.set(conversationId, false), IDLE_MS);
    this.active.set(conversationId, { sentAt, idle });
  }

  /** Forgets a conversation without telling anyone (it closed). */
  forget(conversationId: string): void {
    const entry = this.active.get(conversationId);
    if (entry) window.clearTimeout(entry.idle);
    this.active.delete(conversationId);
  }

  stop(): void {
    for (const entry of this.active.values()) window.clearTimeout(entry.idle);
    this.active.clear();
  }
}
