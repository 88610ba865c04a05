/** Conversations over REST: history search, one conversation with its messages, the transcript, the queues. */
import type {
  Conversation,
  ConversationPage,
  ConversationStatus,
  ConversationWithMessages,
  QueueEntry,
} from '@beckon/protocol/chat-api';
import { request } from './http.ts';

export type {
  Attachment,
  Conversation,
  ConversationPage,
  ConversationStatus,
  ConversationWithMessages,
  Message,
  QueueEntry,
} from '@beckon/protocol/chat-api';

/** History filters; empty ones are left out of the query. */
export interface ConversationSearch {
  q?: string;
  status?: ConversationStatus;
  channel?: Conversation['channel'];
  agentId?: string;
  skillId?: string;
  /** ISO instants: created at or after `from`, before `to`. */
  from?: string;
  to?: string;
  csatMin?: number;
  csatMax?: number;
  limit?: number;
  cursor?: string;
}

export function searchConversations(search: ConversationSearch): Promise<ConversationPage> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    if (value !== undefined && value !== '') query.set(key, String(value));
  }
  const qs = query.toString();
  return request('GET', `/api/v1/conversations${qs ? `?${qs}` : ''}`);
}

/** Every live conversation a supervisor may see (their agents' chats now). */
export async function listLiveConversations(): Promise<Conversation[]> {
  return (await searchConversations({ status: 'active', limit: 200 })).items;
}

/** A conversation with (up to 1000 of) its messages after `afterSeq`, notes included. */
export function getConversation(id: string, afterSeq = 0, limit = 500): Promise<ConversationWithMessages> {
  return request(
    'GET',
    `/api/v1/conversations/${encodeURIComponent(id)}?afterSeq=${afterSeq}&limit=${limit}`,
  );
}

/** A conversation with every one of its messages, page by page (a transcript). */
export async function getWholeConversation(id: string): Promise<ConversationWithMessages> {
  const PAGE = 1000;
  const first = await getConversation(id, 0, PAGE);
  const messages = [...first.messages];
  let page = first.messages;
  while (page.length === PAGE) {
    page = (await getConversation(id, messages.at(-1)!.seq, PAGE)).messages;
    messages.push(...page);
  }
  return { conversation: first.conversation, messages };
}

/** Where the plain-text transcript downloads from (the session cookie authenticates the GET). */
export function transcriptUrl(id: string): string {
  return `/api/v1/conversations/${encodeURIComponent(id)}/transcript`;
}

/** Sends a failed line again through its channel (e-mail, app…). */
export async function retryDelivery(conversationId: string, seq: number): Promise<void> {
  await request('POST', `/api/v1/conversations/${encodeURIComponent(conversationId)}/messages/${seq}/retry`);
}

export async function listQueues(): Promise<QueueEntry[]> {
  return (await request<{ items: QueueEntry[] }>('GET', '/api/v1/queues')).items;
}

/** Marks a conversation pending, snoozes it until a time, or opens it again (a resolved one goes back to its queue). */
export function setConversationState(
  id: string,
  input: { state: 'open' | 'pending' | 'snoozed'; until?: string },
): Promise<Conversation> {
  return request('POST', `/api/v1/conversations/${encodeURIComponent(id)}/state`, { body: input });
}
