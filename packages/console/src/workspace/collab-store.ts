/**
 * Working together in a conversation: who else looks at it (`viewers`), who types a reply or a
 * note there (`typing` from agents), and the mentions of me (`mention`). Fed by the workspace's
 * agent socket; read through useSyncExternalStore (`useCollab`).
 */
import type { AgentServerFrame } from '@beckon/protocol/chat-protocol';
import type { Mention } from '@beckon/protocol/mentions-api';

export interface Colleague {
  id: string;
  name: string;
}

/** A colleague typing in a conversation, until `until` (ms) unless they type on. */
export interface Typer extends Colleague {
  note: boolean;
  until: number;
}

export interface CollabState {
  /** Everyone looking at each conversation (me included). */
  viewers: Record<string, Colleague[]>;
  typers: Record<string, Typer[]>;
  /** My unread mentions; null until read from the server. */
  unreadMentions: number | null;
  /** How often each conversation's scheduled messages changed while shown (send later reads them again). */
  scheduled: Record<string, number>;
}

/** A colleague's "typing" is forgotten after this long without a refresh (they refresh every few seconds). */
export const COLLEAGUE_TYPING_TTL_MS = 8000;

type Frame<T extends AgentServerFrame['type']> = Extract<AgentServerFrame, { type: T }>;

export class CollabStore {
  private state: CollabState = { viewers: {}, typers: {}, unreadMentions: null, scheduled: {} };
  private readonly listeners = new Set<() => void>();
  private readonly mentionListeners = new Set<(m: Mention) => void>();
  private viewing: string | null = null;
  private prune: number | undefined;

  constructor(
    private readonly send: (frame: Record<string, unknown>) => void,
    private readonly myId: () => string | undefined,
  ) {}

  getState = (): CollabState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Listens to mentions of me as they arrive (a notice, a sound). */
  onMention(listener: (m: Mention) => void): () => void {
    this.mentionListeners.add(listener);
    return () => this.mentionListeners.delete(listener);
  }

  private set(next: CollabState): void {
    this.state = next;
    for (const l of this.listeners) l();
  }

  onFrame(
    f: Frame<'viewers'> | Frame<'typing'> | Frame<'mention'> | Frame<'scheduled_changed'>,
    now = Date.now(),
  ): void {
    if (f.type === 'scheduled_changed') {
      const n = (this.state.scheduled[f.conversationId] ?? 0) + 1;
      this.set({ ...this.state, scheduled: { ...this.state.scheduled, [f.conversationId]: n } });
      return;
    }
    if (f.type === 'viewers') {
      this.set({ ...this.state, viewers: { ...this.state.viewers, [f.conversationId]: f.agents } });
      return;
    }
    if (f.type === 'mention') {
      const unread = (this.state.unreadMentions ?? 0) + 1;
      this.set({ ...this.state, unreadMentions: unread });
      for (const l of this.mentionListeners) l(f.mention);
      return;
    }
    if (f.from !== 'agent' || !f.agentId || f.agentId === this.myId()) return;
    const others = (this.state.typers[f.conversationId] ?? []).filter(
      (x) => x.id !== f.agentId && x.until > now,
    );
    if (f.typing)
      others.push({
        id: f.agentId,
        name: f.name ?? '',
        note: Boolean(f.note),
        until: now + COLLEAGUE_TYPING_TTL_MS,
      });
    this.set({ ...this.state, typers: { ...this.state.typers, [f.conversationId]: others } });
    this.schedulePrune();
  }

  /** Drops typers whose time ran out, so "typing…" goes away when a colleague's console went quiet. */
  private schedulePrune(): void {
    window.clearTimeout(this.prune);
    const all = Object.values(this.state.typers).flat();
    if (all.length === 0) return;
    const next = Math.min(...all.map((x) => x.until));
    this.prune = window.setTimeout(
      () => {
        const now = Date.now();
        const typers: Record<string, Typer[]> = {};
        for (const [id, list] of Object.entries(this.state.typers))
          typers[id] = list.filter((x) => x.until > now);
        this.set({ ...this.state, typers });
        this.schedulePrune();
      },
      Math.max(50, next - Date.now() + 10),
    );
  }

  /** The console shows this conversation now (or none): colleagues see me looking. */
  view(conversationId: string | null): void {
    if (this.viewing === conversationId) return;
    if (this.viewing) this.send({ type: 'viewing', conversationId: this.viewing, viewing: false });
    this.viewing = conversationId;
    if (conversationId) this.send({ type: 'viewing', conversationId, viewing: true });
  }

  /** The conversation the console shows, as last told to the server. */
  get viewingId(): string | null {
    return this.viewing;
  }

  /** After a reconnect (once the chat is followed again) the server knows nothing of what I look at: say it again. */
  reconnected(): void {
    const id = this.viewing;
    if (!id) return;
    this.send({ type: 'viewing', conversationId: id, viewing: true });
  }

  /** A colleague writing a reply in the conversation now (the reason to warn before sending one), if any. */
  replyWriter(conversationId: string, now = Date.now()): Typer | undefined {
    return this.state.typers[conversationId]?.find((x) => !x.note && x.until > now);
  }

  setUnread(n: number): void {
    this.set({ ...this.state, unreadMentions: n });
  }

  stop(): void {
    window.clearTimeout(this.prune);
  }
}
