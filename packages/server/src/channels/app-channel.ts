import { MAX_MESSAGE_LENGTH } from '@beckon/protocol/chat-api';
import { ATTACHMENT_TYPES, DEFAULT_ATTACHMENT_MAX_BYTES } from '@beckon/protocol/chat-attachments';
import type { AppContext } from '../context.ts';
import { chatOf } from '../conversations/chat-module.ts';
import type { Store } from '../store/store.ts';
import type { App } from '../web/types.ts';
import {
  type Channel,
  type ChannelCapabilities,
  ChannelSendError,
  type OutboundMessage,
  type SendResult,
} from './channel.ts';
import { channelsOf } from './channels-feature.ts';
import { messagingRoutes } from './messaging-routes.ts';
import { PushDispatcher } from './push/push-dispatcher.ts';
import { notificationText } from './push/push-sender.ts';
import { pushSettingsRoutes } from './push/push-settings-routes.ts';

/**
 * The app channel: a site's mobile app, through the Messaging API and the SDK. In-app delivery is
 * the `/v1/chat` socket the SDK holds, as for web chat; `send` is the push for a user who is not
 * here (no socket, no request within the visitor presence TTL): FCM, APNs or the site's webhook.
 * A push that fails never costs the message, which is stored and waits in the app.
 */
export class AppChannel implements Channel {
  readonly kind = 'app' as const;
  readonly capabilities: ChannelCapabilities = {
    typing: true,
    readReceipts: true,
    attachments: { maxBytes: DEFAULT_ATTACHMENT_MAX_BYTES, types: ATTACHMENT_TYPES },
    richContent: false,
    templates: false,
    maxLength: MAX_MESSAGE_LENGTH,
  };

  constructor(
    private readonly store: Store,
    private readonly push: PushDispatcher,
    /** Whether the conversation's user is in the app now (a socket, or a request lately). */
    private readonly isHere: (accountId: string, conversationId: string) => Promise<boolean>,
  ) {}

  /**
   * A broadcast's line says how it goes: `inApp` waits in the app without a push (the user sees it
   * when they open it); `push` is a notification with its own title, sent even while the user is
   * in the app, and fails when the user has no device left.
   */
  async send(msg: OutboundMessage): Promise<SendResult> {
    const pushed = msg.payload?.push as
      | { title?: unknown; exposureId?: unknown; campaignId?: unknown }
      | undefined;
    const here = await this.isHere(msg.accountId, msg.conversationId);
    if (here && !pushed) return { status: 'delivered' };
    if (msg.payload?.inApp) return { status: 'sent' };
    const conversation = await this.store.conversations.get(msg.accountId, msg.conversationId);
    const contactId = msg.contact?.id ?? conversation.contactId;
    if (!conversation.siteId || !contactId) return { status: 'sent' };
    const site = await this.store.sites.get(msg.accountId, conversation.siteId);
    const r = await this.push.push(msg.accountId, conversation.siteId, contactId, {
      title: typeof pushed?.title === 'string' ? pushed.title : (msg.senderName ?? site.name),
      body: notificationText(msg.text || 'Sent you a file'),
      siteId: conversation.siteId,
      conversationId: msg.conversationId,
      seq: msg.seq,
      userId: msg.contact?.externalId ?? null,
      // A campaign's push names its exposure: the app reports the notification opened against it.
      ...(typeof pushed?.exposureId === 'string' && typeof pushed.campaignId === 'string'
        ? { exposureId: pushed.exposureId, campaignId: pushed.campaignId }
        : {}),
    });
    if (r.error && r.delivered === 0)
      throw new ChannelSendError(r.error.message, r.error.retryable, undefined, r.error.mayHaveArrived);
    if (pushed && r.delivered === 0 && !here)
      throw new ChannelSendError('no push device or push provider for the user', false);
    return { status: here ? 'delivered' : 'sent' };
  }
}

/** In-app messaging: the app channel, its push, the Messaging API and the push settings. Registered in `features.ts`. */
export async function appChannelFeature(app: App, ctx: AppContext): Promise<void> {
  const chat = chatOf(ctx);
  if (!chat) throw new Error('the app channel needs the chat feature');
  const log = ctx.logger.child({ component: 'app-channel' });
  const dispatcher = new PushDispatcher(ctx.store, ctx.config.push, log, ctx.egress);
  const isHere = (accountId: string, conversationId: string) =>
    chat.visitors.here.has(accountId, conversationId);
  const channel = new AppChannel(ctx.store, dispatcher, isHere);
  // The outbox hands it every agent line of an app conversation, with retries.
  channelsOf(ctx).registry.register(channel);
  app.addHook('onClose', async () => dispatcher.close());
  await messagingRoutes(app, ctx);
  await pushSettingsRoutes(app, ctx);
}
