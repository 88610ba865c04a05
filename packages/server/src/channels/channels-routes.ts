import type { Role } from '@beckon/protocol/api';
import { ChannelSettings, ChannelSettingsInput } from '@beckon/protocol/channels-api';
import Type from 'typebox';
import { ADMINS, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import type { ChatModule } from '../conversations/chat-module.ts';
import { staffCaller } from '../conversations/conversations-routes.ts';
import { NoContent, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import type { OutboxDispatcher } from './outbox-dispatcher.ts';

const STAFF: readonly Role[] = ['owner', 'admin', 'agent'];

const RetryParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  seq: Type.Integer({ minimum: 1, maximum: 2 ** 31 }),
});

/** Per-channel routing settings (default skill, capacity weight), and sending a failed line again. */
export function channelsRoutes(app: App, ctx: AppContext, chat: ChatModule, outbox: OutboxDispatcher): void {
  const { store } = ctx;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const staff = { onRequest: requireRole(store, STAFF) };
  const tags = ['channels'];

  app.get(
    '/api/v1/channels/settings',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: "Each channel's default skill and capacity weight (in live chats)",
        response: replies(200, ChannelSettings),
      },
    },
    async (req) => ({ items: await store.channelSettings.list(authOf(req).accountId) }),
  );

  app.put(
    '/api/v1/channels/settings',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Change the default skill or capacity weight of the channels named; the others keep theirs',
        body: ChannelSettingsInput,
        response: replies(200, ChannelSettings),
      },
    },
    async (req) => {
      const items = await store.channelSettings.put(authOf(req).accountId, req.body.items);
      // Loads changed weight: waiting conversations may fit now.
      chat.router.schedule(authOf(req).accountId);
      return { items };
    },
  );

  app.post(
    '/api/v1/conversations/:id/messages/:seq/retry',
    {
      ...staff,
      schema: {
        tags: ['conversations'],
        security,
        summary: 'Send a failed message again through its channel (409 unless it failed)',
        params: RetryParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const c = staffCaller(req);
      await chat.agents.visible(c, req.params.id);
      await outbox.retry(c.accountId, req.params.id, req.params.seq);
      return reply.code(204).send(null);
    },
  );
}
