import { t } from '../i18n/i18n.ts';
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
        title: who || t('Chat with us'),
        status:
          c.queuePosition && c.queuePosition > 0
            ? t('Waiting for an agent — you are number {n} in line', { n: c.queuePosition })
            : t('Waiting for an agent…'),
        avatar: who,
        away: true,
      };
    case 'active':
      return { title: who || t('Chat'), status: t('Online now'), avatar: who, away: false };
    case 'closed':
      return { title: who || t('Chat'), status: t('Chat ended'), avatar: who, away: true };
    case 'offline':
      return { title: t('Leave us a message'), status: t('We’re away right now'), avatar: null, away: true };
    default:
      return { title: who || t('Chat with us'), status: t('Connecting…'), avatar: who, away: false };
  }
}
