/**
 * The agent workspace's live state for the whole console session: one agent socket, the
 * reducer in workspace-state.ts, the requests that wait for `done`, the optimistic sends that
 * wait for `ack`, and (in `memory`) the drafts and scroll positions that survive switching chats.
 * Components read it through useSyncExternalStore (workspace-context.tsx).
 */
import type { AgentStatus } from '@beckon/protocol/api';
import type { ConversationTranslations } from '@beckon/protocol/assist-api';
import type { AgentServerFrame } from '@beckon/protocol/chat-protocol';
import type { SlaBreachView } from '@beckon/protocol/sla-api';
import { getConversation, listLiveConversations, retryDelivery } from '../api/conversations.ts';
import { errorMessage } from '../api/http.ts';
import { listMentions } from '../api/mentions.ts';
import { t } from '../i18n/i18n.ts';
import { AgentSocket, agentSocketUrl, type SocketEvent } from './agent-socket.ts';
import { CallStore } from './call-store.ts';
import { ChatMemory } from './chat-memory.ts';
import { joinedByMe } from './chat-view.ts';
import { CollabStore } from './collab-store.ts';
import { SocketRequests, WorkspaceError } from './socket-requests.ts';
import { TypingSignal } from './typing-signal.ts';
import {
  addPending,
  discardPending,
  dismissChat,
  markLoaded,
  markRead,
  retryPending,
  unwatchChat,
  watchChat,
} from './workspace-actions.ts';
import {
  type Attachment,
  addMessage,
  applyFrame,
  type ChatView,
  type Conversation,
  contiguousSeq,
  initialState,
  type Message,
  type PendingSend,
  type WorkspaceState,
  withNotice,
  withTranslations,
} from './workspace-state.ts';

/** Something worth a sound or a desktop notification. */
export type WorkspaceSignal =
  | { kind: 'offer'; conversation: Conversation }
  | { kind: 'assigned'; conversation: Conversation }
  | { kind: 'message'; conversation: Conversation; message: Message };

export class WorkspaceStore {
  private state: WorkspaceState = initialState;
  private readonly listeners = new Set<() => void>();
  private readonly signalListeners = new Set<(s: WorkspaceSignal) => void>();
  private readonly breachListeners = new Set<(b: SlaBreachView) => void>();
  private readonly requests: SocketRequests;
  /** Drafts and scroll positions of each chat. */
  readonly memory = new ChatMemory();
  private readonly typing: TypingSignal;
  private socket: AgentSocket;
  /** The agent's calls and their audio. */
  readonly calls: CallStore;
  /** Who else looks at and types in a chat, and my mentions. */
  readonly collab: CollabStore;
  /** Conversations whose typing signal is for an internal note. */
  private readonly typingNote = new Set<string>();
  private readonly onOnline = () => this.socket.reconnectNow();

  constructor(
    readonly userId: string,
    private readonly onSessionEnded: () => void,
    url = agentSocketUrl(),
  ) {
    this.socket = new AgentSocket(url, (e) => this.onSocket(e));
    this.requests = new SocketRequests((frame) => this.socket.send(frame));
    this.calls = new CallStore(
      userId,
      (frame) => this.socket.send(frame),
      (frame) => this.request(frame),
    );
    this.typing = new TypingSignal((id, typing) =>
      this.socket.send({
        type: 'typing',
        conversationId: id,
        typing,
        ...(this.typingNote.has(id) ? { note: true } : {}),
      }),
    );
    this.collab = new CollabStore(
      (frame) => this.socket.send(frame),
      () => this.state.agent?.id,
    );
    // A colleague's note named me: a notice that says who and what, wherever I am in the console.
    this.collab.onMention((m) =>
      this.notify(
        t('{name} mentioned you: {text}', {
          name: m.authorName,
          text: m.text.length > 120 ? `${m.text.slice(0, 119)}…` : m.text,
        }),
        'info',
      ),
    );
  }

  start(): void {
    this.socket.start();
    window.addEventListener('online', this.onOnline);
  }

  stop(): void {
    window.removeEventListener('online', this.onOnline);
    this.typing.stop();
    this.collab.stop();
    this.calls.stop();
    this.socket.stop();
    this.requests.failAll();
  }

  // ——— reading ———

  getState = (): WorkspaceState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Listens to offers, new chats and visitor messages (sound, desktop notification). */
  onSignal(listener: (s: WorkspaceSignal) => void): () => void {
    this.signalListeners.add(listener);
    return () => this.signalListeners.delete(listener);
  }

  /** Listens to the SLA breaches the server announces on the socket (sla-alerts.ts). */
  onSlaBreach(listener: (b: SlaBreachView) => void): () => void {
    this.breachListeners.add(listener);
    return () => this.breachListeners.delete(listener);
  }

  get supervisor(): boolean {
    const role = this.state.agent?.role;
    return role === 'owner' || role === 'admin';
  }

  private set(next: WorkspaceState): void {
    if (next === this.state) return;
    this.state = next;
    for (const l of this.listeners) l();
  }

  private signal(s: WorkspaceSignal): void {
    for (const l of this.signalListeners) l(s);
  }

  // ——— the socket ———

  private onSocket(e: SocketEvent): void {
    switch (e.kind) {
      case 'open':
        if (this.state.retryAt !== null) this.set({ ...this.state, retryAt: null });
        return;
      case 'down':
        this.requests.failAll();
        this.set({
          ...this.state,
          connection: 'reconnecting',
          retryAt: e.rateLimited ? Date.now() + e.retryInMs : null,
        });
        return;
      case 'refused':
        this.requests.failAll();
        if (e.code === 4401) {
          this.onSessionEnded();
          return;
        }
        this.set({
          ...this.state,
          connection: 'refused',
          refusedReason: e.reason || null,
        });
        return;
      case 'frame':
        this.onFrame(e.frame);
        return;
    }
  }

  private onFrame(f: AgentServerFrame): void {
    if (f.type === 'done') {
      this.requests.answer(f.ref);
      return;
    }
    if (f.type === 'error' && f.ref) this.requests.answer(f.ref, f);
    if (f.type === 'call' || f.type === 'call_signal' || f.type === 'call_media') {
      this.calls.onFrame(f);
      return;
    }
    if (f.type === 'viewers' || f.type === 'mention' || f.type === 'scheduled_changed') {
      this.collab.onFrame(f);
      return;
    }
    if (f.type === 'typing' && f.from === 'agent') this.collab.onFrame(f);
    const before = this.state;
    this.set(applyFrame(before, f, Date.now()));
    this.afterFrame(before, f);
  }

  private afterFrame(before: WorkspaceState, f: AgentServerFrame): void {
    switch (f.type) {
      case 'ready':
        this.resync();
        this.calls.reconnected();
        listMentions().then(
          (l) => this.collab.setUnread(l.unread),
          () => {},
        );
        return;
      case 'offer':
        if (!before.offers.some((o) => o.conversationId === f.conversation.id)) {
          this.signal({ kind: 'offer', conversation: f.conversation });
          // A preview of what the visitor wrote, while the offer waits.
          this.follow(f.conversation.id, 0);
        }
        return;
      case 'offer_revoked':
        if (!this.state.chats[f.conversationId])
          this.socket.send({ type: 'unwatch', conversationId: f.conversationId });
        return;
      case 'assigned': {
        const was = before.chats[f.conversation.id];
        // Accepting an offer here already told the agent; a transfer to them is news.
        if (was?.relation !== 'offer') this.signal({ kind: 'assigned', conversation: f.conversation });
        return;
      }
      case 'message': {
        const m = f.message;
        const chat = this.state.chats[m.conversationId];
        const known = before.chats[m.conversationId]?.messages.some((x) => x.seq === m.seq);
        if (chat?.relation === 'mine' && m.senderKind === 'visitor' && !known && chat.loaded)
          this.signal({ kind: 'message', conversation: chat.conversation, message: m });
        return;
      }
      case 'sla_breach':
        for (const l of this.breachListeners) l(f.breach);
        return;
      case 'conversation': {
        const id = f.conversation.id;
        if (f.conversation.status === 'closed') this.typing.forget(id);
        // A chat I joined and then left, or that ended, while I looked at another: no longer followed.
        const chat = this.state.chats[id];
        if (chat?.relation === 'watch' && this.state.selectedId !== id && !this.state.joined.includes(id)) {
          this.set(unwatchChat(this.state, id));
          this.socket.send({ type: 'unwatch', conversationId: id });
        }
        return;
      }
      default:
        return;
    }
  }

  /** After (re)connecting: catch up every chat from its last message, resend what was not acknowledged. */
  private resync(): void {
    for (const chat of Object.values(this.state.chats)) {
      if (chat.ended) continue;
      this.follow(chat.conversation.id, contiguousSeq(chat));
      for (const p of chat.pending) if (p.state === 'sending') this.sendFrame(p.conversationId, p);
    }
    if (this.supervisor) {
      listLiveConversations().then(
        (items) => this.set({ ...this.state, live: Object.fromEntries(items.map((c) => [c.id, c])) }),
        () => {},
      );
    }
  }

  /** Follows a conversation's messages after `afterSeq`; marks it loaded once the server answered. */
  private follow(id: string, afterSeq: number): void {
    this.request({ type: 'watch', conversationId: id, afterSeq }).then(
      () => {
        this.set(markLoaded(this.state, id));
        // Followed again after a reconnect: the server learns again that I look at it.
        if (this.collab.viewingId === id) this.collab.reconnected();
      },
      () => {},
    );
  }

  private request(frame: Record<string, unknown>): Promise<void> {
    return this.requests.request(frame);
  }

  private sendFrame(
    conversationId: string,
    p: Pick<PendingSend, 'echoId' | 'text' | 'note' | 'attachments' | 'afterSeq' | 'translateTo'>,
  ): void {
    this.socket.send({
      type: 'send',
      conversationId,
      echoId: p.echoId,
      afterSeq: p.afterSeq,
      text: p.text,
      ...(p.note ? { note: true } : {}),
      ...(p.attachments.length > 0 ? { attachmentIds: p.attachments.map((a) => a.id) } : {}),
      ...(p.translateTo ? { translateTo: p.translateTo } : {}),
    });
  }

  // ——— actions ———

  /** Online, or away (for one of the account's away reasons, if given). */
  setStatus(status: Exclude<AgentStatus, 'offline'>, reason?: string): Promise<void> {
    return this.request({ type: 'status', status, ...(reason ? { reason } : {}) });
  }

  async accept(id: string): Promise<void> {
    await this.request({ type: 'accept', conversationId: id });
    this.select(id);
  }

  decline(id: string): Promise<void> {
    return this.request({ type: 'decline', conversationId: id });
  }

  select(id: string | null): void {
    if (this.state.selectedId === id) return;
    const previous = this.state.selectedId;
    let next = { ...this.state, selectedId: id };
    // A preview left behind stops streaming; a chat I joined stays, listed under "Mine".
    const left = previous ? next.chats[previous] : undefined;
    if (previous && left?.relation === 'watch' && !joinedByMe(left, this.state.agent?.id)) {
      next = unwatchChat(next, previous);
      next.selectedId = id;
      this.socket.send({ type: 'unwatch', conversationId: previous });
    }
    this.set(next);
  }

  /** Opens any conversation this user may see: mine at once, others loaded and followed read-only. */
  async open(id: string): Promise<void> {
    if (this.state.chats[id]) {
      this.select(id);
      return;
    }
    const { conversation, messages } = await getConversation(id);
    let next = this.state.chats[id] ? this.state : watchChat(this.state, conversation);
    let chat: ChatView = next.chats[id]!;
    for (const m of messages) chat = addMessage(chat, m);
    next = { ...next, chats: { ...next.chats, [id]: { ...chat, loaded: true } } };
    this.set(next);
    this.select(id);
    this.follow(id, contiguousSeq(chat));
  }

  /** Sends a message or an internal note; it shows at once and is confirmed by the server's ack. */
  send(
    conversationId: string,
    text: string,
    opts: { note?: boolean; attachments?: Attachment[]; translateTo?: string } = {},
  ): void {
    const p = {
      ...(opts.translateTo && !opts.note ? { translateTo: opts.translateTo } : {}),
      echoId: `a_${crypto.randomUUID()}`,
      conversationId,
      text,
      note: Boolean(opts.note),
      attachments: opts.attachments ?? [],
      afterSeq: this.state.chats[conversationId]?.messages.at(-1)?.seq ?? 0,
      state: 'sending' as const,
      createdAt: new Date().toISOString(),
    };
    this.set(addPending(this.state, p));
    this.typing.set(conversationId, false);
    this.sendFrame(conversationId, p);
  }

  retry(conversationId: string, echoId: string): void {
    const p = this.state.chats[conversationId]?.pending.find((x) => x.echoId === echoId);
    if (!p) return;
    this.set(retryPending(this.state, conversationId, echoId));
    this.sendFrame(conversationId, p);
  }

  /**
   * Sends a reply whose translation failed as the agent wrote it (they chose to): the same echo
   * id, since nothing was stored.
   */
  sendAsWritten(conversationId: string, echoId: string): void {
    const p = this.state.chats[conversationId]?.pending.find((x) => x.echoId === echoId);
    if (!p) return;
    const { translateTo: _, ...asWritten } = p;
    this.set(retryPending(this.state, conversationId, echoId, true));
    this.sendFrame(conversationId, asWritten);
  }

  /** Puts a conversation's translations read from the server into the workspace. */
  putTranslations(conversationId: string, translations: ConversationTranslations): void {
    this.set(withTranslations(this.state, conversationId, translations));
  }

  /** Sends a line that failed on its channel again; the line shows `queued`, then where it got. */
  retryDelivery(conversationId: string, seq: number): void {
    retryDelivery(conversationId, seq).catch((err) =>
      this.notify(t('Not sent again: {reason}', { reason: errorMessage(err) })),
    );
  }

  discard(conversationId: string, echoId: string): void {
    this.set(discardPending(this.state, conversationId, echoId));
  }

  /**
   * The agent is typing (or stopped) a reply, or with `note` an internal note (which colleagues
   * see, the visitor does not); throttled, and cleared by itself after a pause.
   */
  setTyping(conversationId: string, typing: boolean, opts: { note?: boolean } = {}): void {
    const chat = this.state.chats[conversationId];
    const writes = chat && (chat.relation === 'mine' || joinedByMe(chat, this.state.agent?.id));
    if (!chat || (!writes && !opts.note)) return;
    const note = Boolean(opts.note);
    if (typing && this.typingNote.has(conversationId) !== note) this.typing.set(conversationId, false);
    if (note) this.typingNote.add(conversationId);
    else this.typingNote.delete(conversationId);
    this.typing.set(conversationId, typing);
  }

  /** The agent saw everything in this chat. */
  markRead(conversationId: string): void {
    const chat = this.state.chats[conversationId];
    const last = chat?.messages.at(-1)?.seq ?? 0;
    if (chat?.relation !== 'mine' || last <= chat.agentReadSeq) return;
    this.set(markRead(this.state, conversationId, last));
    this.socket.send({ type: 'read', conversationId, seq: last });
  }

  async transfer(
    conversationId: string,
    to: { agentId: string } | { skillId: string },
    note?: string,
  ): Promise<void> {
    await this.request({
      type: 'transfer',
      conversationId,
      ...to,
      ...(note?.trim() ? { note: note.trim() } : {}),
    });
    if (this.state.chats[conversationId]?.relation === 'watch') {
      // A supervisor's reassignment: refresh what they are looking at.
      getConversation(conversationId).then(
        ({ conversation }) => this.set(watchChat(this.state, conversation)),
        () => {},
      );
    }
  }

  /** Barges into a chat I watch (owners and admins): the visitor sees me join, then my replies. */
  join(conversationId: string): Promise<void> {
    return this.request({ type: 'join', conversationId });
  }

  /** Leaves a chat I joined; its agent carries on, and I go back to reading it. */
  leave(conversationId: string): Promise<void> {
    return this.request({ type: 'leave', conversationId });
  }

  async close(conversationId: string, input: { disposition?: string; tags?: string[] }): Promise<void> {
    await this.request({ type: 'close', conversationId, ...input });
    this.typing.forget(conversationId);
    this.dismiss(conversationId);
  }

  /** Removes an ended chat from my list. */
  dismiss(conversationId: string): void {
    this.set(dismissChat(this.state, conversationId));
    this.memory.forget(conversationId);
  }

  dismissNotice(id: number): void {
    this.set({ ...this.state, notices: this.state.notices.filter((n) => n.id !== id) });
  }

  /** Shows a one-line notice (e.g. an action that failed). */
  notify(text: string, tone: 'info' | 'warning' | 'error' = 'error'): void {
    this.set(withNotice(this.state, { tone, text }));
  }
}

/** A readable message for an action that failed. */
export function actionError(error: unknown): string {
  return error instanceof WorkspaceError ? error.message : errorMessage(error);
}
