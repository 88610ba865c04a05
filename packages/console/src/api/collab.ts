/** Send later and merging conversations: scheduled replies and note reminders, merges and their undo. */
import type { Conversation, ConversationPage } from '@beckon/protocol/chat-api';
import type { ConversationMerge, MergedPart } from '@beckon/protocol/conversation-merges';
import type {
  ScheduledMessage,
  ScheduledMessageCreate,
  ScheduledMessageUpdate,
} from '@beckon/protocol/scheduled-messages';
import { request } from './http.ts';
import type { List } from './types.ts';

export type { ConversationMerge, MergedPart, ScheduledMessage };

const conv = (id: string) => `/api/v1/conversations/${encodeURIComponent(id)}`;

export async function listScheduled(conversationId: string): Promise<ScheduledMessage[]> {
  return (await request<List<ScheduledMessage>>('GET', `${conv(conversationId)}/scheduled-messages`)).items;
}

export function scheduleMessage(
  conversationId: string,
  input: ScheduledMessageCreate,
): Promise<ScheduledMessage> {
  return request('POST', `${conv(conversationId)}/scheduled-messages`, { body: input });
}

export function updateScheduled(
  conversationId: string,
  id: string,
  patch: ScheduledMessageUpdate,
): Promise<ScheduledMessage> {
  return request('PATCH', `${conv(conversationId)}/scheduled-messages/${encodeURIComponent(id)}`, {
    body: patch,
  });
}

export function cancelScheduled(conversationId: string, id: string): Promise<void> {
  return request('DELETE', `${conv(conversationId)}/scheduled-messages/${encodeURIComponent(id)}`);
}

export async function listMerged(conversationId: string): Promise<MergedPart[]> {
  return (await request<List<MergedPart>>('GET', `${conv(conversationId)}/merged`)).items;
}

export function mergeConversation(
  conversationId: string,
  otherConversationId: string,
): Promise<ConversationMerge> {
  return request('POST', `${conv(conversationId)}/merge`, { body: { otherConversationId } });
}

export function unmergeConversation(
  conversationId: string,
  otherConversationId?: string,
): Promise<ConversationMerge> {
  return request('POST', `${conv(conversationId)}/unmerge`, {
    body: otherConversationId ? { otherConversationId } : {},
  });
}

/** The contact's other conversations, newest first: what this one may be merged with. */
export async function contactConversations(contactId: string): Promise<Conversation[]> {
  const page = await request<ConversationPage>(
    'GET',
    `/api/v1/conversations?contactId=${encodeURIComponent(contactId)}&limit=20`,
  );
  return page.items as Conversation[];
}
