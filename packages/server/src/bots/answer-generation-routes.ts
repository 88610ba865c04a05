import { AnswerGeneration, AnswerGenerationUpdate } from '@beckon/protocol/bots-api';
import { ADMINS, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { checkConfiguredUrl } from '../egress/configured-url.ts';
import { badRequest } from '../errors.ts';
import { replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';

/**
 * The answer bot's optional generated answers: an OpenAI-compatible endpoint, its model and key.
 * Admins only; the key is written, never read back.
 */
export function answerGenerationRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['knowledge'];

  app.get(
    '/api/v1/knowledge/generation',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Generated answers settings',
        response: replies(200, AnswerGeneration),
      },
    },
    async (req) => store.answerGeneration.get(authOf(req).accountId),
  );

  app.put(
    '/api/v1/knowledge/generation',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Turn generated answers on or off, and set the endpoint, model and key',
        body: AnswerGenerationUpdate,
        response: replies(200, AnswerGeneration),
      },
    },
    async (req) => {
      const body = req.body;
      if (body.enabled && !body.baseUrl.trim()) {
        throw badRequest(
          'enter the base URL of an OpenAI-compatible API (/body/baseUrl)',
          'base_url_required',
        );
      }
      if (body.enabled && !body.model.trim()) {
        throw badRequest('enter the model the server should use (/body/model)', 'model_required');
      }
      if (body.baseUrl.trim()) await checkConfiguredUrl(ctx.egress, body.baseUrl.trim(), '/body/baseUrl');
      return store.answerGeneration.save(authOf(req).accountId, body);
    },
  );
}
