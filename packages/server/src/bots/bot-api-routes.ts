import { BotContext, BotHandoff, BotReply } from '@beckon/protocol/bots-api';
import { Conversation, Message } from '@beckon/protocol/chat-api';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import type { BotTarget } from '../store/bots-repo.ts';
import { IdParams, replies } from '../web/responses.ts';
import { access } from '../web/route-access.ts';
import type { App } from '../web/types.ts';
import { botContext } from './bot-context.ts';
import type { BotEngine } from './bot-engine.ts';

declare module 'fastify' {
  interface FastifyRequest {
    bot?: BotTarget;
  }
}

const botOf = (req: FastifyRequest): BotTarget => req.bot!;

/**
 * The bot API: what a bot (webhook or socket) calls with its own token (`Authorization: Bearer
 * bkbot_…`) about a conversation it holds — read its context, reply, hand over, resolve. A token
 * reaches only its bot's account; a conversation it does not hold answers 409.
 */
export function botApiRoutes(app: App, ctx: AppContext, engine: BotEngine): void {
  const { store } = ctx;
  const tags = ['bot API'];
  const security = [{ botToken: [] }];
  const onRequest = async (req: FastifyRequest) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const bot = m ? await store.bots.authenticate(m[1]!) : undefined;
    if (!bot) throw new AppError(401, 'invalid_bot_token', 'send a bot token: Authorization: Bearer bkbot_…');
    req.bot = bot;
  };
  /** A conversation of another account is not found, like any unknown id. */
  const held = async (req: FastifyRequest, id: string) => {
    const bot = botOf(req);
    const holder = await store.bots.holder(bot.accountId, id);
    if (holder !== bot.id) throw new AppError(409, 'not_holding', 'this bot does not hold the conversation');
    return bot;
  };

  app.get(
    '/api/v1/bot/conversations/:id/context',
    {
      onRequest,
      schema: {
        ...access('bot'),
        tags,
        security,
        summary: "A held conversation's context (visitor, pages, cart, contact, lines)",
        params: IdParams,
        response: replies(200, BotContext),
      },
    },
    async (req) => {
      const bot = await held(req, req.params.id);
      return botContext(store, bot.accountId, req.params.id);
    },
  );

  app.post(
    '/api/v1/bot/conversations/:id/messages',
    {
      onRequest,
      schema: {
        ...access('bot'),
        tags,
        security,
        summary: 'Reply (text, quick replies, a card)',
        params: IdParams,
        body: BotReply,
        response: replies(201, Message),
      },
    },
    async (req, reply) => reply.code(201).send(await engine.reply(botOf(req), req.params.id, req.body)),
  );

  app.post(
    '/api/v1/bot/conversations/:id/handoff',
    {
      onRequest,
      schema: {
        ...access('bot'),
        tags,
        security,
        summary: 'Hand the conversation over to people (a note, optionally another skill)',
        params: IdParams,
        body: BotHandoff,
        response: replies(200, Conversation),
      },
    },
    async (req) => engine.handoff(botOf(req), req.params.id, req.body ?? {}),
  );

  app.post(
    '/api/v1/bot/conversations/:id/resolve',
    {
      onRequest,
      schema: {
        ...access('bot'),
        tags,
        security,
        summary: 'Resolve the conversation (counted as resolved by the bot)',
        params: IdParams,
        response: replies(200, Conversation),
      },
    },
    async (req) => engine.resolve(botOf(req), req.params.id),
  );
}
