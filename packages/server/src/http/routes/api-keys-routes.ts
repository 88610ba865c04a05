import { ApiKey, ApiKeyCreate, ApiKeyCreated, ListOf } from '@beckon/protocol/api';
import { ADMINS, authOf, requireRole } from '../../auth/auth-context.ts';
import type { AppContext } from '../../context.ts';
import { IdParams, NoContent, replies, security } from '../../web/responses.ts';
import type { App } from '../../web/types.ts';

/** Account API keys for server-to-server calls (`Authorization: Bearer bk_…`). */
export function apiKeysRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['api-keys'];

  app.get(
    '/api/v1/api-keys',
    {
      ...admins,
      schema: { tags, security, summary: 'List API keys', response: replies(200, ListOf(ApiKey)) },
    },
    async (req) => ({
      items: await store.apiKeys.list(authOf(req).accountId),
    }),
  );

  app.post(
    '/api/v1/api-keys',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Create an API key (the secret is returned once)',
        body: ApiKeyCreate,
        response: replies(201, ApiKeyCreated),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await store.apiKeys.create(authOf(req).accountId, req.body.name)),
  );

  app.delete(
    '/api/v1/api-keys/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Revoke an API key',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      await store.apiKeys.delete(authOf(req).accountId, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
