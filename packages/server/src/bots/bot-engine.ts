import {
  type ArticleMatch,
  type BotContext,
  type BotHandoff,
  type BotReply,
  type BotServerFrame,
  BotWebhookAnswer,
  type BotWebhookPost,
} from '@beckon/protocol/bots-api';
import type { Conversation, Message } from '@beckon/protocol/chat-api';
import type { BotHandoffReason } from '@beckon/protocol/webhooks-api';
import Value from 'typebox/value';
import type { Bus } from '../bus/bus.ts';
import type { ChatAnnouncer } from '../conversations/chat-announcer.ts';
import { ENGLISH_LINES } from '../conversations/visitor-lines.ts';
import { AppError, badRequest } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import { untilSettled } from '../store/assignment-repo.ts';
import type { BotTarget } from '../store/bots-repo.ts';
import type { Store } from '../store/store.ts';
import type { WebhookSender } from '../webhooks/webhook-sender.ts';
import { signedHeaders } from '../webhooks/webhook-signature.ts';
import { type AnswerDecision, decide, generatedReply } from './answer-bot.ts';
import { GENERATION_ARTICLES, generateAnswer } from './answer-generator.ts';
import { botContext } from './bot-context.ts';
import type { KnowledgeIndex } from './knowledge-index.ts';

/** The bus topic a bot's socket listens on, on whichever node holds it. */
export const botTopic = (botId: string): string => `bot.${botId}`;

/** What the visitor reads when a bot hands the conversation over. */
/** What the visitor reads when a bot hands them over (in English; the chat's language is `visitorLine`'s). */
export const HANDOFF_LINE = ENGLISH_LINES.handoff;

export interface BotEngineOptions {
  /** How often conversations whose bot owes an answer past its time are looked for (ms). */
  sweepMs: number;
  /** How often the accounts with bot-first skills are read again (ms). */
  accountsRefreshMs: number;
}

/**
 * Agent bots at work. A visitor's line in a conversation a bot holds goes to that bot — the
 * answer bot here, a webhook bot by a signed post, a socket bot over the bus to the node holding
 * its socket — and the bot then owes an answer by its timeout (stored, so any node's sweep hands
 * the conversation over when it does not come). A bot replies (text, quick replies, a card),
 * resolves, or hands over: the conversation then enters its skill's queue like any other.
 *
 * Only accounts where a skill offers conversations to a bot are watched, so the message path of
 * the others costs a set lookup.
 */
export class BotEngine {
  private readonly accounts = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The time bots are timed by (tests move it). */
  clock: () => number = Date.now;
  /** Told after a bot resolves a conversation (assist writes its summary). */
  private readonly resolvedListeners = new Set<(accountId: string, conversation: Conversation) => void>();

  /** Calls `fn` after each conversation a bot resolves; returns the unsubscribe. */
  onResolved(fn: (accountId: string, conversation: Conversation) => void): () => void {
    this.resolvedListeners.add(fn);
    return () => this.resolvedListeners.delete(fn);
  }

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly knowledge: KnowledgeIndex,
    private readonly announcer: ChatAnnouncer,
    private readonly route: (accountId: string) => void,
    private readonly sender: WebhookSender,
    private readonly replyUrl: (conversationId: string) => string,
    private readonly log: Logger,
    private readonly opts: BotEngineOptions,
  ) {}

  async start(): Promise<void> {
    await this.refreshAccounts();
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const t = setInterval(() => this.track(fn()), ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.accountsRefreshMs, () => this.refreshAccounts());
    every(this.opts.sweepMs, () => this.sweep());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(p: Promise<T>): void {
    const q = p.catch((err) => {
      if (!this.stopped) this.log.warn({ err }, 'bot work failed');
    });
    this.inFlight.add(q);
    void q.finally(() => this.inFlight.delete(q));
  }

  private async refreshAccounts(): Promise<void> {
    const ids = await this.store.bots.accountsWithBots();
    for (const id of ids) this.accounts.add(id);
  }

  /** Conversations a bot let go of (it was deleted) wait in their queues: route them. */
  released(accountId: string): void {
    this.route(accountId);
  }

  /** An account now offers conversations to a bot (its lines are watched from now on, on this node). */
  watch(accountId: string): void {
    this.accounts.add(accountId);
  }

  /** A committed line: a visitor's line in a conversation a bot holds goes to that bot. */
  onLine(accountId: string, message: Message): void {
    if (this.stopped || message.senderKind !== 'visitor' || !this.accounts.has(accountId)) return;
    this.track(this.dispatch(accountId, message));
  }

  private async dispatch(accountId: string, message: Message): Promise<void> {
    const botId = await this.store.bots.holder(accountId, message.conversationId);
    if (!botId) return;
    const bot = await this.store.bots.target(accountId, botId);
    if (!bot) return;
    const owed = await this.store.bots.awaitAnswer(
      accountId,
      message.conversationId,
      bot.id,
      this.clock() + bot.timeoutMs,
    );
    if (!owed) return;
    if (bot.kind === 'answer') return this.answer(bot, message);
    const context = await botContext(this.store, accountId, message.conversationId);
    if (bot.kind === 'socket') {
      const frame: BotServerFrame = {
        t: 'message',
        conversationId: message.conversationId,
        message,
        context,
      };
      await this.bus.publish(botTopic(bot.id), frame);
      return;
    }
    await this.post(bot, message, context);
  }

  /** The built-in answer bot: the best article above the threshold, "did this help?", or a handoff. */
  private async answer(bot: BotTarget, line: Message): Promise<void> {
    const { accountId } = bot;
    const recent = await this.store.messages.after(
      accountId,
      line.conversationId,
      Math.max(0, line.seq - 20),
      {
        visitorView: true,
      },
    );
    const lastBotLine = recent.filter((m) => m.senderKind === 'bot' && m.seq < line.seq).at(-1);
    const matches = await this.knowledge.search(accountId, line.text);
    let decision = decide(line, lastBotLine, matches, bot.threshold);
    if (decision.kind === 'reply') decision = await this.generated(bot, line.text, matches, decision);
    await this.reply(bot, line.conversationId, decision.reply);
    if (decision.kind === 'resolve') await this.resolve(bot, line.conversationId);
    if (decision.kind === 'handoff') {
      await this.handoff(bot, line.conversationId, decision.handoff, decision.reason);
    }
  }

  /**
   * With generated answers on, the article answer becomes the model's answer grounded in the top
   * articles; any fault keeps the article answer. It never takes more than half the bot's timeout,
   * so the visitor gets one or the other before the handoff deadline.
   */
  private async generated(
    bot: BotTarget,
    question: string,
    matches: readonly ArticleMatch[],
    fallback: AnswerDecision,
  ): Promise<AnswerDecision> {
    const gen = await this.store.answerGeneration.target(bot.accountId);
    if (!gen) return fallback;
    const sent = matches.slice(0, GENERATION_ARTICLES);
    const timeoutMs = Math.max(500, Math.min(gen.timeoutMs, bot.timeoutMs / 2));
    const answer = await generateAnswer(this.sender.egress, gen, question, sent, timeoutMs, this.log);
    if (!answer) return fallback;
    return { ...fallback, reply: generatedReply(answer.text, sent, answer.cited) };
  }

  /** A webhook bot: a signed post; its answer may come in the response body or later by the bot API. */
  private async post(bot: BotTarget, message: Message, context: BotContext): Promise<void> {
    const payload: BotWebhookPost = {
      type: 'bot.message',
      botId: bot.id,
      conversationId: message.conversationId,
      message,
      context,
      replyUrl: this.replyUrl(message.conversationId),
    };
    const body = JSON.stringify(payload);
    const id = newId('msg');
    const headers = signedHeaders([bot.secret], id, Math.floor(this.clock() / 1000), body);
    const r = await this.sender.post(bot.url ?? '', headers, body);
    if (!r.ok) {
      // Not answered: the timeout hands the conversation over, with the reason in its note.
      this.log.info({ botId: bot.id, status: r.status, error: r.error }, 'bot webhook failed');
      return;
    }
    if (!r.excerpt?.trim()) return;
    let answer: unknown;
    try {
      answer = JSON.parse(r.excerpt);
    } catch {
      this.log.info({ botId: bot.id }, 'bot webhook answered with a body that is not JSON; ignored');
      return;
    }
    if (!Value.Check(BotWebhookAnswer, answer)) {
      this.log.info({ botId: bot.id }, 'bot webhook answer does not match BotWebhookAnswer; ignored');
      return;
    }
    for (const reply of answer.replies ?? []) await this.reply(bot, message.conversationId, reply);
    if (answer.handoff) await this.handoff(bot, message.conversationId, answer.handoff);
  }

  /** Throws 409 unless the bot holds the conversation now. */
  private async assertHolds(bot: BotTarget, conversationId: string): Promise<void> {
    const holder = await this.store.bots.holder(bot.accountId, conversationId);
    if (holder !== bot.id) {
      throw new AppError(
        409,
        'not_holding',
        'this bot does not hold the conversation (handed over or closed)',
      );
    }
  }

  /** A bot's line (text, quick replies, a card) in a conversation it holds. */
  async reply(bot: BotTarget, conversationId: string, reply: BotReply): Promise<Message> {
    await this.assertHolds(bot, conversationId);
    const rich =
      reply.quickReplies?.length || reply.card
        ? {
            ...(reply.quickReplies?.length ? { quickReplies: reply.quickReplies } : {}),
            ...(reply.card ? { card: reply.card } : {}),
          }
        : undefined;
    const r = await this.announcer.writer.append({
      accountId: bot.accountId,
      conversationId,
      sender: { kind: 'bot', botId: bot.id, name: bot.name },
      echoId: null,
      text: reply.text,
      ...(rich ? { rich } : {}),
    });
    if (!r.ok) throw r.error;
    await this.store.bots.answered(bot.accountId, conversationId, bot.id);
    return r.message;
  }

  /** The bot gives the conversation to people: a note for the agent, a line for the visitor, the queue. */
  async handoff(
    bot: BotTarget,
    conversationId: string,
    h: BotHandoff,
    reason: BotHandoffReason = 'bot',
  ): Promise<Conversation> {
    const { accountId } = bot;
    if (h.skillId) {
      const skills = await this.store.skills.list(accountId);
      if (!skills.some((s) => s.id === h.skillId)) throw badRequest('unknown skill id', 'unknown_skill');
    }
    const moved = await this.store.bots.handoff(
      accountId,
      conversationId,
      bot,
      { skillId: h.skillId ?? null, note: h.note?.trim() || null, reason },
      this.clock(),
    );
    if (!moved) {
      throw new AppError(
        409,
        'not_holding',
        'this bot does not hold the conversation (handed over or closed)',
      );
    }
    const note = h.note?.trim() ? `${bot.name} handed over: ${h.note.trim()}` : `${bot.name} handed over.`;
    await this.announcer.line(accountId, conversationId, note, {
      kind: 'note',
      agentId: bot.id,
      name: bot.name,
      supervisor: true,
    });
    await this.announcer.visitorLine(accountId, conversationId, 'handoff');
    const c = await this.store.conversations.get(accountId, conversationId);
    await this.announcer.updated(accountId, c, { queue: true });
    this.route(accountId);
    return c;
  }

  /** The bot resolved the conversation itself (counted as bot-resolved in reports). */
  async resolve(bot: BotTarget, conversationId: string): Promise<Conversation> {
    await this.assertHolds(bot, conversationId);
    const closed = await untilSettled(() =>
      this.store.assignment.close(bot.accountId, conversationId, { agentId: bot.id, supervisor: true }),
    );
    if (!closed.alreadyClosed) {
      const c = await this.store.conversations.get(bot.accountId, conversationId);
      await this.store.bots.resolved(bot.accountId, c, bot);
      await this.announcer.updated(bot.accountId, c, { queue: true });
      for (const fn of this.resolvedListeners) fn(bot.accountId, c);
      return c;
    }
    return closed.conversation;
  }

  /** Hands over every conversation whose bot owes an answer past its time (any node may; one wins each). */
  async sweep(): Promise<number> {
    let n = 0;
    for (const due of await this.store.bots.overdue(this.clock())) {
      const bot = await this.store.bots.target(due.accountId, due.botId);
      if (!bot) continue;
      const seconds = Math.round(bot.timeoutMs / 1000);
      try {
        await this.handoff(
          bot,
          due.id,
          { note: `${bot.name} did not answer within ${seconds} s.` },
          'timeout',
        );
        n++;
      } catch (err) {
        if (!(err instanceof AppError && err.status === 409)) throw err;
      }
    }
    return n;
  }
}
