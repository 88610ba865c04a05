import type { Message } from '@beckon/protocol/chat-api';
import type { MergedPart } from '@beckon/protocol/conversation-merges';
import { mergesInto } from '../store/conversation-merge.ts';
import type { Store } from '../store/store.ts';

const CHANNEL_NAMES: Record<string, string> = {
  web: 'web chat',
  app: 'in-app',
  email: 'e-mail',
  api: 'API',
  messenger: 'Messenger',
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  telegram: 'Telegram',
  sms: 'SMS',
  voice: 'voice',
};

/** A channel as a line of the thread names it ("WhatsApp", "e-mail"). */
export const channelName = (channel: string): string => CHANNEL_NAMES[channel] ?? channel;

/** Every message of a conversation, in order, read a thousand at a time. */
export async function allMessages(
  store: Store,
  accountId: string,
  conversationId: string,
): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const page = await store.messages.after(accountId, conversationId, messages.at(-1)?.seq ?? 0, {
      limit: 1000,
    });
    messages.push(...page);
    if (page.length < 1000) return messages;
  }
}

/**
 * The conversations merged into `keptId` (merges still in force, oldest first), each with all its
 * messages: the parts that, with the kept conversation's own lines, make one thread in time order.
 */
export async function mergedParts(store: Store, accountId: string, keptId: string): Promise<MergedPart[]> {
  const items: MergedPart[] = [];
  for (const merge of await mergesInto(store.db, accountId, keptId)) {
    const conversation = await store.conversations.get(accountId, merge.mergedId);
    const messages = await allMessages(store, accountId, merge.mergedId);
    items.push({
      merge,
      conversation,
      messages: await store.outbox.decorate(accountId, merge.mergedId, messages),
    });
  }
  return items;
}
