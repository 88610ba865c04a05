import { ListOf } from '@beckon/protocol/api';
import {
  ArticleCreate,
  ArticleSearch,
  ArticleUpdate,
  Bot,
  BotCreate,
  BotCreated,
  BotUpdate,
  DEFAULT_ANSWER_THRESHOLD,
  KnowledgeArticle,
} from '@beckon/protocol/bots-api';
import Type from 'typebox';
import { ADMINS, ALL_ROLES, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { checkConfiguredUrl } from '../egress/configured-url.ts';
import { IdParams, NoContent, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import type { BotEngine } from './bot-engine.ts';
import type { KnowledgeIndex } from './knowledge-index.ts';

const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 1000 }),
  /** Whose threshold decides `answers`: an answer bot of the account (else the default). */
  botId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});

/**
 * The account's bots (members of kind `bot`) and the answer bot's knowledge base. Admins manage
 * both; every member may list them and try the search preview.
 */
export function botsRoutes(
  app: App,
  ctx: AppContext,
  engine: BotEngine,
  knowledge: KnowledgeIndex,
  connected: (accountId: string) => Promise<Set<string>>,
): void {
  const { store } = ctx;
  const readers = { onRequest: requireRole(store, ALL_ROLES) };
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['bots'];

  app.get(
    '/api/v1/bots',
    { ...readers, schema: { tags, security, summary: 'List bots', response: replies(200, ListOf(Bot)) } },
    async (req) => {
      const { accountId } = authOf(req);
      const [bots, here] = await Promise.all([store.bots.list(accountId), connected(accountId)]);
      return { items: bots.map((b) => withStatus(b, here)) };
    },
  );

  app.post(
    '/api/v1/bots',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Create a bot (its token and secret are shown once)',
        body: BotCreate,
        response: replies(201, BotCreated),
      },
    },
    async (req, reply) => {
      if (req.body.url) await checkConfiguredUrl(ctx.egress, req.body.url, '/url');
      return reply.code(201).send(await store.bots.create(authOf(req).accountId, req.body));
    },
  );

  app.get(
    '/api/v1/bots/:id',
    {
      ...readers,
      schema: { tags, security, summary: 'One bot', params: IdParams, response: replies(200, Bot) },
    },
    async (req) => {
      const { accountId } = authOf(req);
      return withStatus(await store.bots.get(accountId, req.params.id), await connected(accountId));
    },
  );

  app.patch(
    '/api/v1/bots/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Edit a bot',
        params: IdParams,
        body: BotUpdate,
        response: replies(200, Bot),
      },
    },
    async (req) => {
      if (req.body.url) await checkConfiguredUrl(ctx.egress, req.body.url, '/url');
      return store.bots.update(authOf(req).accountId, req.params.id, req.body);
    },
  );

  app.delete(
    '/api/v1/bots/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Delete a bot (the conversations it held go to their queues)',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const released = await store.bots.delete(accountId, req.params.id);
      if (released.length > 0) engine.released(accountId);
      return reply.code(204).send(null);
    },
  );

  const ktags = ['knowledge'];
  app.get(
    '/api/v1/knowledge/articles',
    {
      ...readers,
      schema: {
        tags: ktags,
        security,
        summary: 'List articles',
        response: replies(200, ListOf(KnowledgeArticle)),
      },
    },
    async (req) => ({ items: await store.knowledge.list(authOf(req).accountId) }),
  );

  app.post(
    '/api/v1/knowledge/articles',
    {
      ...admins,
      schema: {
        tags: ktags,
        security,
        summary: 'Write an article',
        body: ArticleCreate,
        response: replies(201, KnowledgeArticle),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const article = await store.knowledge.create(accountId, req.body);
      await knowledge.changed(accountId);
      return reply.code(201).send(article);
    },
  );

  app.get(
    '/api/v1/knowledge/articles/:id',
    {
      ...readers,
      schema: {
        tags: ktags,
        security,
        summary: 'One article',
        params: IdParams,
        response: replies(200, KnowledgeArticle),
      },
    },
    async (req) => store.knowledge.get(authOf(req).accountId, req.params.id),
  );

  app.patch(
    '/api/v1/knowledge/articles/:id',
    {
      ...admins,
      schema: {
        tags: ktags,
        security,
        summary: 'Edit an article',
        params: IdParams,
        body: ArticleUpdate,
        response: replies(200, KnowledgeArticle),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const article = await store.knowledge.update(accountId, req.params.id, req.body);
      await knowledge.changed(accountId);
      return article;
    },
  );

  app.delete(
    '/api/v1/knowledge/articles/:id',
    {
      ...admins,
      schema: {
        tags: ktags,
        security,
        summary: 'Delete an article',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      await store.knowledge.delete(accountId, req.params.id);
      await knowledge.changed(accountId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/knowledge/search',
    {
      ...readers,
      schema: {
        tags: ktags,
        security,
        summary: 'What the answer bot would answer to a question (search preview)',
        querystring: SearchQuery,
        response: replies(200, ArticleSearch),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const threshold = req.query.botId
        ? (await store.bots.get(accountId, req.query.botId)).threshold
        : DEFAULT_ANSWER_THRESHOLD;
      const matches = await knowledge.search(accountId, req.query.q);
      return { query: req.query.q, threshold, answers: (matches[0]?.confidence ?? 0) >= threshold, matches };
    },
  );
}

/** A socket bot is connected when a node holds its socket; the other kinds need no connection. */
function withStatus(bot: Bot, connected: Set<string>): Bot {
  return bot.kind === 'socket' ? { ...bot, connected: connected.has(bot.id) } : bot;
}
