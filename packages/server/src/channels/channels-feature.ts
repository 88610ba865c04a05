import type { AppContext } from '../context.ts';
import { chatOf } from '../conversations/chat-module.ts';
import { maskerOf } from '../privacy/message-masker.ts';
import type { App } from '../web/types.ts';
import { ChannelRegistry } from './channel.ts';
import { ChannelInbox } from './channel-inbox.ts';
import type { ChannelsModule } from './channels-module.ts';
import { channelsRoutes } from './channels-routes.ts';
import { connectionsFeature } from './connections/connections-feature.ts';
import { csatRatingRoutes } from './csat/csat-rating-routes.ts';
import { CsatSurveys } from './csat/csat-surveys.ts';
import { emailFeature, emailOf } from './email/email-feature.ts';
import { ratingLinks } from './email/rating-link.ts';
import { OutboxDispatcher } from './outbox-dispatcher.ts';
import { WebChatChannel } from './web-chat-channel.ts';

const modules = new WeakMap<AppContext, ChannelsModule>();

/** The channel seam of a node (registered after the chat feature). */
export function channelsOf(ctx: AppContext): ChannelsModule {
  const m = modules.get(ctx);
  if (!m) throw new Error('the channels feature is not registered');
  return m;
}

/**
 * Channels: the registry (web chat registers here; every other channel registers itself), the
 * inbox every channel's inbound traffic enters by, the outbox dispatcher, and the channel settings
 * and retry routes. Registered in `features.ts`.
 */
export async function channelsFeature(app: App, ctx: AppContext): Promise<void> {
  const chat = chatOf(ctx);
  if (!chat) throw new Error('the channels feature needs the chat feature');
  const { store } = ctx;
  const registry = new ChannelRegistry();
  registry.register(new WebChatChannel(chat.attachments.maxBytes));
  const inbox = new ChannelInbox(
    store,
    chat.announcer,
    // A topic that names a skill wins; then the channel's default skill; then the account's first.
    async (accountId, channel, topic) => {
      const fallback = await store.channelSettings.defaultSkill(accountId, channel);
      return chat.visitors.chooseSkill(accountId, {
        ...(topic ? { topic } : {}),
        ...(fallback ? { origin: fallback } : {}),
      });
    },
    // Mail and app messages wait in their queue anyway: a burst shares one routing pass.
    (accountId) => chat.router.scheduleSoon(accountId),
    (accountId, text) => maskerOf(ctx).mask(accountId, text),
  );
  const outbox = new OutboxDispatcher(
    store,
    registry,
    chat.events,
    ctx.logger.child({ component: 'outbox' }),
    ctx.config.outbox,
    (channel, n) => ctx.metrics.outboxInDoubt.inc({ channel }, n),
  );
  const surveys = new CsatSurveys(
    store,
    chat.announcer,
    ctx.logger.child({ component: 'csat-survey' }),
    (accountId, conversationId) =>
      ratingLinks(ctx.config.publicUrl, emailOf(ctx).names, accountId, conversationId),
  );
  chat.agents.onResolved((accountId, conversation) => {
    surveys.resolved(accountId, conversation).catch((err: unknown) => {
      ctx.logger.warn({ err, conversation: conversation.id }, 'satisfaction survey not sent');
    });
  });
  const channels: ChannelsModule = { registry, inbox, outbox, surveys };
  modules.set(ctx, channels);
  channelsRoutes(app, ctx, chat, outbox);
  await emailFeature(app, ctx, chat, channels);
  csatRatingRoutes(app, ctx, emailOf(ctx).names, surveys);
  await connectionsFeature(app, ctx, channels);
  outbox.start();
  ctx.onShutdown(() => outbox.stop());
}
