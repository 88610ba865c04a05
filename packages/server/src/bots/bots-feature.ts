import type { AppContext } from '../context.ts';
import { chatOf } from '../conversations/chat-module.ts';
import { PresenceSet } from '../conversations/presence-set.ts';
import type { App } from '../web/types.ts';
import { WebhookSender } from '../webhooks/webhook-sender.ts';
import { answerGenerationRoutes } from './answer-generation-routes.ts';
import { botApiRoutes } from './bot-api-routes.ts';
import { BotEngine } from './bot-engine.ts';
import { BotSocket, botOfRequest, botSocketGuard } from './bot-socket.ts';
import { botsRoutes } from './bots-routes.ts';
import { KnowledgeIndex } from './knowledge-index.ts';

/** The most of a webhook bot's answer read (its replies, cards and buttons). */
const BOT_ANSWER_BYTES = 64 * 1024;

const engines = new WeakMap<AppContext, BotEngine>();
const indexes = new WeakMap<AppContext, KnowledgeIndex>();

/** The node's knowledge index (agent assist searches it too). */
export function knowledgeOf(ctx: AppContext): KnowledgeIndex | undefined {
  return indexes.get(ctx);
}

/** The node's bot engine (tests move its clock or run its sweep). */
export function botsOf(ctx: AppContext): BotEngine | undefined {
  return engines.get(ctx);
}

/**
 * Agent bots: the bots and knowledge-base routes, the bot API and socket (`/v1/bot`), and the
 * engine that hands visitors' lines to the bot holding their conversation. Registered in
 * `features.ts`, after the chat feature it listens to.
 */
export async function botsFeature(app: App, ctx: AppContext): Promise<void> {
  const chat = chatOf(ctx);
  if (!chat) throw new Error('the bots feature needs the chat feature');
  const log = ctx.logger.child({ component: 'bots' });
  const { store, bus } = ctx;
  const knowledge = new KnowledgeIndex(store, bus, log);
  indexes.set(ctx, knowledge);
  const hooks = ctx.config.webhooks;
  // A bot's webhook answers within its own timeout; the sender's deadline only bounds a stuck post.
  const sender = new WebhookSender(ctx.egress, hooks, BOT_ANSWER_BYTES);
  const base = ctx.config.publicUrl.replace(/\/+$/, '');
  const engine = new BotEngine(
    store,
    bus,
    knowledge,
    chat.announcer,
    (accountId) => chat.router.schedule(accountId),
    sender,
    (id) => `${base}/api/v1/bot/conversations/${id}`,
    log,
    { sweepMs: 500, accountsRefreshMs: 2000 },
  );
  engines.set(ctx, engine);
  chat.visitors.botFirst = async (accountId, skillId) => {
    const botId = await store.bots.firstFor(accountId, skillId);
    if (botId) engine.watch(accountId);
    return botId;
  };
  chat.lineListeners.add((accountId, message) => engine.onLine(accountId, message));

  // Which socket bots have a socket open now, on any node (the Team and Bots pages show it).
  const present = new PresenceSet(bus, log, {
    setOf: (a) => `bots.present.${a}`,
    ttlMs: 15_000,
    lingerMs: 0,
  });
  botsRoutes(app, ctx, engine, knowledge, (accountId) => present.members(accountId));
  botApiRoutes(app, ctx, engine);
  answerGenerationRoutes(app, ctx);
  const sockets = new Set<import('ws').WebSocket>();
  ctx.ws.route(
    '/v1/bot',
    'bot',
    (ws, req) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      void botOfRequest(store, req).then((bot) => {
        if (bot) {
          new BotSocket(ws, bot, bus, engine, log);
          void present.hold(bot.accountId, bot.id);
          ws.on('close', () => void present.release(bot.accountId, bot.id, true));
        } else ws.close(4401, 'invalid bot token');
      });
    },
    botSocketGuard(store),
  );

  await knowledge.start();
  await engine.start();
  ctx.onShutdown(async () => {
    // A stopping node's bots reconnect to another node (1001: going away).
    for (const ws of sockets) ws.close(1001, 'server stopping');
    await engine.stop();
    present.stop();
    await knowledge.stop();
  });
}
