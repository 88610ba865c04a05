import type { ChatState } from './chat-state.ts';

/** What the panel's header says about the conversation. */
export interface HeaderText {
  title: string;
  status: string;
  /** Initials come from this name (the agent's). */
  avatar: string | null;
  away: boolean;
}

/** The header for a conversation: who is on the other side and what is happening. */
export function chatHeader(state: ChatState, fallbackName: string | null): HeaderText {
  const c = state.conversation;
  const agent = c?.agentName || null;
  // Until an agent takes it, the chat is with whoever invited the visitor.
  const who =
    agent || fallbackName || state.messages.find((m) => m.senderKind === 'invitation')?.senderName || null;
  switch (c?.status) {
    case 'queued':
    case 'offered':
      return {
        title: who || 'Chat with us',
        status:
          c.queuePosition && c.queuePosition > 0
            ? `Waiting for an agent — you are number ${c.queuePosition} in line`
            : 'Waiting for an agent…',
        avatar: who,
        away: true,
      };
    case 'active':
      return { title: who || 'Chat', status: 'Online now', avatar: who, away: false };
    case 'closed':
      return { title: who || 'Chat', status: 'Chat ended', avatar: who, away: true };
    case 'offline':
      return { title: 'Leave us a message', status: 'We’re away right now', avatar: null, away: true };
    default:
      return { title: who || 'Chat with us', status: 'Connecting…', avatar: who, away: false };
  }
}
