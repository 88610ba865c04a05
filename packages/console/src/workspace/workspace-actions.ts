/** Changes the agent makes locally (sends in flight, opening and leaving chats, reading), next to the server's frames. */
import type { Conversation } from '@beckon/protocol/chat-api';
import { type PendingSend, withConversation } from './chat-view.ts';
import { dropChat, putChat, type WorkspaceState } from './workspace-state.ts';

/** Adds an optimistic message, shown at once as "Sending…". */
export function addPending(s: WorkspaceState, p: PendingSend): WorkspaceState {
  const chat = s.chats[p.conversationId];
  if (!chat) return s;
  return putChat(s, { ...chat, pending: [...chat.pending.filter((x) => x.echoId !== p.echoId), p] });
}

/** A failed send tried again: back to "Sending…". */
export function retryPending(
  s: WorkspaceState,
  conversationId: string,
  echoId: string,
  asWritten = false,
): WorkspaceState {
  const chat = s.chats[conversationId];
  if (!chat) return s;
  const pending = chat.pending.map((p) => {
    if (p.echoId !== echoId) return p;
    const { translateTo, errorCode, ...rest } = p;
    // Sent as written: the language it was to go out in is dropped.
    return {
      ...rest,
      ...(translateTo && !asWritten ? { translateTo } : {}),
      state: 'sending' as const,
      error: undefined,
    };
  });
  return putChat(s, { ...chat, pending });
}

/** A failed send given up. */
export function discardPending(s: WorkspaceState, conversationId: string, echoId: string): WorkspaceState {
  const chat = s.chats[conversationId];
  if (!chat) return s;
  return putChat(s, { ...chat, pending: chat.pending.filter((p) => p.echoId !== echoId) });
}

/** Starts following a conversation read-only (a queue preview or a supervisor's look). */
export function watchChat(s: WorkspaceState, c: Conversation): WorkspaceState {
  return putChat(s, withConversation(s.chats[c.id], c, 'watch'));
}

/** Stops following a conversation that is only watched. */
export function unwatchChat(s: WorkspaceState, id: string): WorkspaceState {
  return s.chats[id]?.relation === 'watch' ? dropChat(s, id) : s;
}

/** An ended chat leaves my list (the agent dismissed it, or closed it). */
export function dismissChat(s: WorkspaceState, id: string): WorkspaceState {
  return { ...dropChat(s, id), mine: s.mine.filter((x) => x !== id) };
}

export function markLoaded(s: WorkspaceState, id: string): WorkspaceState {
  const chat = s.chats[id];
  return chat && !chat.loaded ? putChat(s, { ...chat, loaded: true }) : s;
}

/** I read up to `seq`. */
export function markRead(s: WorkspaceState, id: string, seq: number): WorkspaceState {
  const chat = s.chats[id];
  if (!chat || chat.agentReadSeq >= seq) return s;
  return putChat(s, { ...chat, agentReadSeq: seq });
}
