import type { AppContext } from '../../context.ts';
import { chatOf } from '../../conversations/chat-module.ts';
import { EgressThread } from '../../egress/egress-thread.ts';
import type { App } from '../../web/types.ts';
import type { ChannelsModule } from '../channels-module.ts';
import { MessengerConnector } from '../messenger/messenger-connector.ts';
import { SmsConnector } from '../sms/sms-connector.ts';
import { TelegramConnector } from '../telegram/telegram-connector.ts';
import { WhatsAppConnector } from '../whatsapp/whatsapp-connector.ts';
import { channelConnectionsRoutes, webhookUrlOf } from './channel-connections-routes.ts';
import { channelHooksRoutes } from './channel-hooks-routes.ts';
import { ConnectionCache } from './connection-cache.ts';
import { ConnectionInbox } from './connection-inbox.ts';
import type { Connector } from './connector.ts';
import { contactConsentsRoutes } from './contact-consents-routes.ts';
import { MediaDownloader } from './media-download.ts';
import { ThreadCache } from './thread-cache.ts';
import { whatsappTemplatesRoutes } from './whatsapp-templates-routes.ts';

/**
 * Provider connections: one connector per provider (its webhook and its `Channel`, registered for
 * the outbox), the routes that make connections, and the webhooks providers call.
 */
export async function connectionsFeature(app: App, ctx: AppContext, channels: ChannelsModule): Promise<void> {
  const config = ctx.config.connections;
  const log = (name: string) => ctx.logger.child({ component: name });
  const chat = chatOf(ctx);
  if (!chat) throw new Error('provider connections need the chat feature');
  // Every provider call and media download goes through the egress: base URLs are configured.
  // Made on a thread of their own: a broadcast's requests and their answers keep off the chats' thread.
  const egress = EgressThread.for(ctx.egress);
  if (egress instanceof EgressThread) ctx.onShutdown(() => egress.close());
  const http = { egress, timeoutMs: config.providerTimeoutMs };
  const media = new MediaDownloader(chat.attachments, http, log('channel-media'));
  const threads = new ThreadCache({
    onAccount: (accountId, fn) => chat.events.onAccount(accountId, fn),
    hearing: () => ctx.bus.health().ok,
  });
  const inbox = new ConnectionInbox(ctx.store, channels.inbox, media, threads, channels.surveys);
  const whatsapp = new WhatsAppConnector(
    ctx.store,
    inbox,
    channels.outbox,
    log('whatsapp'),
    http,
    config.graphApiVersion,
  );
  const list: Connector[] = [
    whatsapp,
    ...(['messenger', 'instagram'] as const).map(
      (type) =>
        new MessengerConnector(
          type,
          ctx.store,
          inbox,
          channels.outbox,
          log(type),
          (conversationId, attachmentId) => chat.attachments.urls.visitorUrl(conversationId, attachmentId),
          chat.attachments.maxBytes,
          http,
          config.graphApiVersion,
        ),
    ),
    new TelegramConnector(ctx.store, inbox, log('telegram'), http, (conn) =>
      webhookUrlOf(ctx.config.publicUrl, conn),
    ),
    new SmsConnector(ctx.store, inbox, channels.outbox, log('sms'), () => ctx.config.publicUrl, http),
  ];
  const connectors = new Map(list.map((c) => [c.type, c] as const));
  for (const c of list) channels.registry.register(c.channel);
  channelConnectionsRoutes(app, ctx, connectors);
  const cache = new ConnectionCache(ctx.store, ctx.bus, log('channel-hooks'));
  await cache.start();
  await channelHooksRoutes(app, ctx, connectors, config, cache);
  whatsappTemplatesRoutes(app, ctx, chat, whatsapp);
  contactConsentsRoutes(app, ctx);
}
