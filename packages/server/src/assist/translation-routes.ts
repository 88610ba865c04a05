import { ConversationTranslations } from '@beckon/protocol/assist-api';
import { requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import type { ChatModule } from '../conversations/chat-module.ts';
import { staffCaller } from '../conversations/conversations-routes.ts';
import { IdParams, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { DEFAULT_AGENT_LANGUAGE, type LiveTranslation } from './live-translation.ts';

/** Live translation's view of a conversation: the customer's language and the lines translated. */
export function translationRoutes(app: App, ctx: AppContext, chat: ChatModule, live: LiveTranslation): void {
  app.get(
    '/api/v1/conversations/:id/translations',
    {
      onRequest: requireRole(ctx.store, ['owner', 'admin', 'agent']),
      schema: {
        tags: ['assist'],
        security,
        summary:
          'Live translation: the customer’s language, and the lines in the agent’s language (customers’ lines translated, replies as the agent wrote them)',
        params: IdParams,
        response: replies(200, ConversationTranslations),
      },
    },
    async (req) => {
      const c = staffCaller(req);
      await chat.agents.visible(c, req.params.id);
      if (c.userId) return live.list(c.accountId, c.userId, req.params.id);
      const [customerLanguage, items] = await Promise.all([
        ctx.store.translations.customerLanguage(c.accountId, req.params.id),
        ctx.store.translations.list(c.accountId, req.params.id),
      ]);
      return { customerLanguage, agentLanguage: DEFAULT_AGENT_LANGUAGE, items };
    },
  );
}
