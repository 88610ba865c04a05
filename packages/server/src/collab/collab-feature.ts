import type { AppContext } from '../context.ts';
import { chatOf } from '../conversations/chat-module.ts';
import type { App } from '../web/types.ts';
import { macrosRoutes } from './macros-routes.ts';
import { mergeRoutes } from './merge-routes.ts';
import { ReplyCancels } from './reply-cancels.ts';
import { scheduledChanged, scheduledMessagesRoutes } from './scheduled-messages-routes.ts';
import { ScheduledSender } from './scheduled-sender.ts';

const senders = new WeakMap<AppContext, ScheduledSender>();

/** The node's sender of scheduled messages (tests run its sweep at a chosen time). */
export function scheduledSenderOf(ctx: AppContext): ScheduledSender | undefined {
  return senders.get(ctx);
}

/**
 * Working together on conversations: send later (scheduled replies and note reminders), merging
 * two conversations of one contact, and macros. Registered
 * in `features.ts`, after the chat feature whose writer it stores lines with.
 */
export async function collabFeature(app: App, ctx: AppContext): Promise<void> {
  const chat = chatOf(ctx);
  if (!chat) throw new Error('the collaboration feature needs the chat feature');
  const log = ctx.logger.child({ component: 'collab' });
  const { store } = ctx;
  // The consoles are told of each message sent or failed, and of each a customer's reply cancelled.
  const changed = scheduledChanged(chat);
  const sender = new ScheduledSender(store, chat.writer, log.child({ part: 'scheduled' }), changed);
  senders.set(ctx, sender);
  // A customer's line cancels the scheduled messages that asked for it.
  const cancels = new ReplyCancels(store, log.child({ part: 'reply-cancels' }), changed);
  chat.lineListeners.add((accountId, message) => {
    if (message.senderKind === 'visitor') cancels.replied(accountId, message.conversationId);
  });
  scheduledMessagesRoutes(app, ctx, chat);
  mergeRoutes(app, ctx, chat);
  macrosRoutes(app, ctx, chat);
  sender.start();
  ctx.onShutdown(async () => {
    sender.stop();
    await cancels.idle();
  });
}
