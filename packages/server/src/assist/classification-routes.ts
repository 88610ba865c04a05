import { Classification } from '@beckon/protocol/intent-api';
import { requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import type { ChatModule } from '../conversations/chat-module.ts';
import { staffCaller } from '../conversations/conversations-routes.ts';
import { AppError } from '../errors.ts';
import { IdParams, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';

/** A conversation's intent and sentiment, for those who may see the conversation. */
export function classificationRoutes(app: App, ctx: AppContext, chat: ChatModule): void {
  const { store } = ctx;
  app.get(
    '/api/v1/conversations/:id/classification',
    {
      onRequest: requireRole(store, ['owner', 'admin', 'agent']),
      schema: {
        tags: ['assist'],
        security,
        summary:
          'The conversation’s intent and sentiment, who classified it and when; 404 before the first classification',
        params: IdParams,
        response: replies(200, Classification),
      },
    },
    async (req) => {
      const c = staffCaller(req);
      await chat.agents.visible(c, req.params.id);
      const found = await store.classifications.get(c.accountId, req.params.id);
      if (!found) throw new AppError(404, 'not_found', 'this conversation was not classified yet');
      return found;
    },
  );
}
