import { ListOf } from '@beckon/protocol/api';
import {
  AssistSettings,
  AssistUpdate,
  ConversationSummary,
  SuggestionFeedback,
  SuggestionList,
  SuggestionUsage,
  SummaryUpdate,
} from '@beckon/protocol/assist-api';
import { ADMINS, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import type { ChatModule } from '../conversations/chat-module.ts';
import { staffCaller } from '../conversations/conversations-routes.ts';
import { cleanText } from '../conversations/visitor-chat-service.ts';
import { checkConfiguredUrl } from '../egress/configured-url.ts';
import { AppError, badRequest } from '../errors.ts';
import { IdParams, NoContent, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import type { SuggestionWriter } from './suggestion-writer.ts';
import type { SummaryWriter } from './summary-writer.ts';

/**
 * Agent assist: its settings (admins; the key is written, never read back), a conversation's
 * suggestions and summary (those who may see the conversation), what agents did with
 * suggestions, and the usage report.
 */
export function assistRoutes(
  app: App,
  ctx: AppContext,
  chat: ChatModule,
  suggestions: SuggestionWriter,
  summaries: SummaryWriter,
): void {
  const { store } = ctx;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const staff = { onRequest: requireRole(store, ['owner', 'admin', 'agent']) };
  const tags = ['assist'];

  app.get(
    '/api/v1/assist',
    {
      ...admins,
      schema: { tags, security, summary: 'Agent assist settings', response: replies(200, AssistSettings) },
    },
    async (req) => store.assist.get(authOf(req).accountId),
  );

  app.put(
    '/api/v1/assist',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Turn agent assist on or off; set the model endpoint, model, key, translation and intents',
        body: AssistUpdate,
        response: replies(200, AssistSettings),
      },
    },
    async (req) => {
      const body = req.body;
      const baseUrl = body.baseUrl.trim();
      if (baseUrl && !body.model.trim())
        throw badRequest('enter the model the server should use (/body/model)', 'model_required');
      if (baseUrl) await checkConfiguredUrl(ctx.egress, baseUrl, '/body/baseUrl');
      const t = body.translation;
      if (t?.provider === 'libretranslate') {
        if (!t.baseUrl?.trim())
          throw badRequest(
            'enter the base URL of a LibreTranslate-compatible server (/body/translation/baseUrl)',
            'base_url_required',
          );
        await checkConfiguredUrl(ctx.egress, t.baseUrl.trim(), '/body/translation/baseUrl');
      }
      const accountId = authOf(req).accountId;
      const saved = await store.assist.save(accountId, body);
      suggestions.forget(accountId);
      return saved;
    },
  );

  app.get(
    '/api/v1/conversations/:id/suggestions',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary:
          'Suggested replies to the customer’s latest line (search; the model’s streams to the agent socket)',
        params: IdParams,
        response: replies(200, SuggestionList),
      },
    },
    async (req) => {
      const c = staffCaller(req);
      await chat.agents.visible(c, req.params.id);
      return suggestions.list(c.accountId, req.params.id);
    },
  );

  app.post(
    '/api/v1/conversations/:id/suggestions/feedback',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Count what the agent did with a suggestion: shown, used as is, used edited, ignored',
        params: IdParams,
        body: SuggestionFeedback,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const c = staffCaller(req);
      if (!c.userId) throw new AppError(403, 'forbidden', 'this needs a signed-in agent, not an API key');
      await chat.agents.visible(c, req.params.id);
      await store.assist.count(c.accountId, c.userId, req.body.source, req.body.outcome);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/assist/usage',
    {
      onRequest: requireRole(store, ['owner', 'admin', 'analyst']),
      schema: {
        tags,
        security,
        summary: 'Per agent and suggestion source: shown, used as is, used edited, ignored',
        response: replies(200, ListOf(SuggestionUsage)),
      },
    },
    async (req) => ({ items: await store.assist.usage(authOf(req).accountId) }),
  );

  app.get(
    '/api/v1/conversations/:id/summary',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'The conversation’s summary (written on transfer and close); 404 when none was written',
        params: IdParams,
        response: replies(200, ConversationSummary),
      },
    },
    async (req) => {
      const c = staffCaller(req);
      await chat.agents.visible(c, req.params.id);
      const s = await store.summaries.get(c.accountId, req.params.id);
      if (!s) throw new AppError(404, 'not_found', 'no summary was written for this conversation yet');
      return s;
    },
  );

  app.put(
    '/api/v1/conversations/:id/summary',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Edit the conversation’s summary',
        params: IdParams,
        body: SummaryUpdate,
        response: replies(200, ConversationSummary),
      },
    },
    async (req) => {
      const c = staffCaller(req);
      await chat.agents.visible(c, req.params.id);
      const text = cleanText(req.body.text).trim();
      if (!text) throw badRequest('write the summary (/body/text)', 'text_required');
      return summaries.edit(c.accountId, req.params.id, text, c.userId ?? null);
    },
  );
}
