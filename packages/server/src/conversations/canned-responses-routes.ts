import { ListOf } from '@beckon/protocol/api';
import {
  CannedResponse,
  CannedResponseCreate,
  CannedResponseUpdate,
} from '@beckon/protocol/canned-responses';
import { ADMINS, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { IdParams, NoContent, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { cleanText } from './visitor-chat-service.ts';

const clean = <T extends { title?: string; text?: string }>(body: T): T => ({
  ...body,
  ...(body.title !== undefined ? { title: cleanText(body.title) } : {}),
  ...(body.text !== undefined ? { text: cleanText(body.text) } : {}),
});

/** Canned responses: agents read them (the composer's `/shortcut`); owners and admins manage them. */
export function cannedResponsesRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const readers = { onRequest: requireRole(store, ['owner', 'admin', 'agent']) };
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['canned responses'];

  app.get(
    '/api/v1/canned-responses',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'List the account’s canned responses, by shortcut',
        response: replies(200, ListOf(CannedResponse)),
      },
    },
    async (req) => ({ items: await store.cannedResponses.list(authOf(req).accountId) }),
  );

  app.post(
    '/api/v1/canned-responses',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Add a canned response (409 when the shortcut is taken)',
        body: CannedResponseCreate,
        response: replies(201, CannedResponse),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await store.cannedResponses.create(authOf(req).accountId, clean(req.body))),
  );

  app.patch(
    '/api/v1/canned-responses/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Edit a canned response',
        params: IdParams,
        body: CannedResponseUpdate,
        response: replies(200, CannedResponse),
      },
    },
    async (req) => store.cannedResponses.update(authOf(req).accountId, req.params.id, clean(req.body)),
  );

  app.delete(
    '/api/v1/canned-responses/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Remove a canned response',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      await store.cannedResponses.delete(authOf(req).accountId, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
