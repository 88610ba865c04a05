import {
  type Bot,
  type BotCreate,
  type BotCreated,
  type BotUpdate,
  DEFAULT_ANSWER_THRESHOLD,
  DEFAULT_BOT_TIMEOUT_SECONDS,
} from '@beckon/protocol/bots-api';
import type { Conversation } from '@beckon/protocol/chat-api';
import type { BotHandoffReason, WebhookEvent } from '@beckon/protocol/webhooks-api';
import type { Kysely, Selectable } from 'kysely';
import { badRequest, notFound } from '../errors.ts';
import { newId, randomToken, sha256 } from '../ids.ts';
import type { BotsTable } from './bot-schema.ts';
import { messageTotals, toConversation } from './conversation-rows.ts';
import { iso } from './rows.ts';
import type { Database } from './schema.ts';
import type { SecretsRef } from './secret-box.ts';
import { newWebhookSecret, type WebhooksRepo } from './webhooks-repo.ts';

export type BotRow = Selectable<BotsTable>;

/** A bot as the engine needs it to reach it: its kind, URL, opened secret and timeout. */
export interface BotTarget {
  id: string;
  accountId: string;
  name: string;
  kind: Bot['kind'];
  url: string | null;
  secret: string;
  timeoutMs: number;
  threshold: number;
}

/** A conversation whose bot owes an answer past its time. */
export interface OverdueBotWait {
  id: string;
  accountId: string;
  botId: string;
}

const toBot = (r: BotRow, skillIds: string[]): Bot => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  memberKind: 'bot',
  url: r.url,
  tokenPrefix: r.token_prefix,
  timeoutSeconds: Number(r.timeout_seconds),
  threshold: Number(r.threshold),
  skillIds,
  createdAt: iso(Number(r.created_at))!,
});

/**
 * Agent bots of each account, and the conversation changes that are theirs: a bot holds a
 * conversation, owes an answer by a time, and hands it over (each a conditional update, so two
 * nodes cannot hand one conversation over twice).
 */
export class BotsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretsRef,
    /** `bot.handoff` and `bot.resolved` are queued for webhooks and automation. */
    private readonly webhooks: WebhooksRepo,
  ) {}

  private async skillsOf(accountId: string): Promise<Map<string, string[]>> {
    const rows = await this.db
      .selectFrom('skills')
      .select(['id', 'bot_id'])
      .where('account_id', '=', accountId)
      .where('bot_id', 'is not', null)
      .execute();
    const by = new Map<string, string[]>();
    for (const r of rows) by.set(r.bot_id!, [...(by.get(r.bot_id!) ?? []), r.id]);
    return by;
  }

  async list(accountId: string): Promise<Bot[]> {
    const [rows, skills] = await Promise.all([
      this.db
        .selectFrom('bots')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at')
        .execute(),
      this.skillsOf(accountId),
    ]);
    return rows.map((r) => toBot(r, skills.get(r.id) ?? []));
  }

  private find(accountId: string, id: string): Promise<BotRow | undefined> {
    return this.db
      .selectFrom('bots')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  private async row(accountId: string, id: string): Promise<BotRow> {
    const row = await this.find(accountId, id);
    if (!row) throw notFound('bot');
    return row;
  }

  async get(accountId: string, id: string): Promise<Bot> {
    const [row, skills] = await Promise.all([this.row(accountId, id), this.skillsOf(accountId)]);
    return toBot(row, skills.get(id) ?? []);
  }

  /** Creates a bot; the returned token and secret are the only time either is visible. */
  async create(accountId: string, input: BotCreate, now = Date.now()): Promise<BotCreated> {
    if (input.kind === 'webhook' && !input.url) throw badRequest('a webhook bot needs a url', 'url_required');
    const token = `bkbot_${randomToken(40)}`;
    const secret = newWebhookSecret();
    const row: BotRow = {
      id: newId('bot'),
      account_id: accountId,
      name: input.name,
      kind: input.kind,
      url: input.kind === 'webhook' ? (input.url ?? null) : null,
      secret: this.secrets.box.seal(secret),
      token_hash: sha256(token),
      token_prefix: token.slice(0, 12),
      timeout_seconds: input.timeoutSeconds ?? DEFAULT_BOT_TIMEOUT_SECONDS,
      threshold: input.threshold ?? DEFAULT_ANSWER_THRESHOLD,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('bots').values(row).execute();
    return { bot: toBot(row, []), token, secret };
  }

  async update(accountId: string, id: string, patch: BotUpdate, now = Date.now()): Promise<Bot> {
    const row = await this.row(accountId, id);
    if (row.kind === 'webhook' && patch.url === null)
      throw badRequest('a webhook bot needs a url', 'url_required');
    const values: Partial<BotRow> = { updated_at: now };
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.url !== undefined && row.kind === 'webhook') values.url = patch.url;
    if (patch.timeoutSeconds !== undefined) values.timeout_seconds = patch.timeoutSeconds;
    if (patch.threshold !== undefined) values.threshold = patch.threshold;
    await this.db
      .updateTable('bots')
      .set(values)
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
    return this.get(accountId, id);
  }

  /**
   * Removes a bot: skills stop offering to it, and the conversations it held go to their queues.
   * Answers the ids of those conversations (to route them).
   */
  async delete(accountId: string, id: string, now = Date.now()): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const res = await trx
        .deleteFrom('bots')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw notFound('bot');
      await trx
        .updateTable('skills')
        .set({ bot_id: null })
        .where('account_id', '=', accountId)
        .where('bot_id', '=', id)
        .execute();
      const held = await trx
        .selectFrom('conversations')
        .select('id')
        .where('account_id', '=', accountId)
        .where('bot_id', '=', id)
        .execute();
      await trx
        .updateTable('conversations')
        .set({ bot_id: null, bot_wait_until: null, handoff_at: now, skill_entered_at: now, updated_at: now })
        .where('account_id', '=', accountId)
        .where('bot_id', '=', id)
        .execute();
      return held.map((r) => r.id);
    });
  }

  /** The bot a presented token belongs to, or undefined. */
  async authenticate(token: string): Promise<BotTarget | undefined> {
    if (!token.startsWith('bkbot_') || token.length > 200) return undefined;
    const row = await this.db
      .selectFrom('bots')
      .selectAll()
      .where('token_hash', '=', sha256(token))
      .executeTakeFirst();
    return row ? this.targetOf(row) : undefined;
  }

  /** A bot as the engine reaches it, or undefined when it is gone. */
  async target(accountId: string, id: string): Promise<BotTarget | undefined> {
    const row = await this.find(accountId, id);
    return row ? this.targetOf(row) : undefined;
  }

  private targetOf(r: BotRow): BotTarget {
    return {
      id: r.id,
      accountId: r.account_id,
      name: r.name,
      kind: r.kind,
      url: r.url,
      secret: this.secrets.box.open(r.secret),
      timeoutMs: Number(r.timeout_seconds) * 1000,
      threshold: Number(r.threshold),
    };
  }

  /** The bot a skill offers its new conversations to first, or null. */
  async firstFor(accountId: string, skillId: string | null): Promise<string | null> {
    if (!skillId) return null;
    const row = await this.db
      .selectFrom('skills')
      .select('bot_id')
      .where('account_id', '=', accountId)
      .where('id', '=', skillId)
      .executeTakeFirst();
    return row?.bot_id ?? null;
  }

  /** Accounts where some skill offers conversations to a bot first (the engine watches only those). */
  async accountsWithBots(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('skills')
      .select('account_id')
      .distinct()
      .where('bot_id', 'is not', null)
      .execute();
    return rows.map((r) => r.account_id);
  }

  /** The bot holding a conversation now, or null. */
  async holder(accountId: string, conversationId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('conversations')
      .select(['bot_id', 'status'])
      .where('account_id', '=', accountId)
      .where('id', '=', conversationId)
      .executeTakeFirst();
    if (!row) throw notFound('conversation');
    return row.status === 'closed' ? null : row.bot_id;
  }

  /** The bot owes an answer by `until` (a visitor line reached it); false when it no longer holds it. */
  async awaitAnswer(
    accountId: string,
    conversationId: string,
    botId: string,
    until: number,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('conversations')
      .set({ bot_wait_until: until })
      .where('account_id', '=', accountId)
      .where('id', '=', conversationId)
      .where('bot_id', '=', botId)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** The bot answered: it owes nothing more until the visitor writes again. */
  async answered(accountId: string, conversationId: string, botId: string): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ bot_wait_until: null })
      .where('account_id', '=', accountId)
      .where('id', '=', conversationId)
      .where('bot_id', '=', botId)
      .execute();
  }

  /**
   * The bot gives the conversation to people: it enters its skill's queue (or `skillId`'s) now, and
   * `bot.handoff` is queued in the same transaction. False when the bot no longer held it (handed
   * over already, closed): nothing changes then.
   */
  async handoff(
    accountId: string,
    conversationId: string,
    bot: { id: string; name: string },
    h: { skillId: string | null; note: string | null; reason: BotHandoffReason },
    now = Date.now(),
  ): Promise<boolean> {
    let queued = 0;
    const moved = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('conversations')
        .set({
          bot_id: null,
          bot_wait_until: null,
          handoff_at: now,
          skill_entered_at: now,
          updated_at: now,
          ...(h.skillId ? { skill_id: h.skillId } : {}),
        })
        .where('account_id', '=', accountId)
        .where('id', '=', conversationId)
        .where('bot_id', '=', bot.id)
        .where('status', '=', 'queued')
        .returningAll()
        .returning(messageTotals)
        .executeTakeFirst();
      if (!row) return false;
      const event: WebhookEvent<'bot.handoff'> = {
        type: 'bot.handoff',
        timestamp: new Date(now).toISOString(),
        data: {
          conversation: toConversation(row),
          botId: bot.id,
          botName: bot.name,
          reason: h.reason,
          note: h.note,
          toSkillId: h.skillId,
        },
      };
      queued = await this.webhooks.queueIn(trx, accountId, [event], now);
      return true;
    });
    this.webhooks.committed(queued);
    return moved;
  }

  /** Queues `bot.resolved` for a conversation the bot just closed. */
  async resolved(
    accountId: string,
    conversation: Conversation,
    bot: { id: string; name: string },
  ): Promise<void> {
    const now = Date.now();
    const event: WebhookEvent<'bot.resolved'> = {
      type: 'bot.resolved',
      timestamp: new Date(now).toISOString(),
      data: { conversation, botId: bot.id, botName: bot.name },
    };
    this.webhooks.committed(await this.webhooks.queueIn(this.db, accountId, [event], now));
  }

  /** Conversations whose bot owes an answer past its time, oldest first. */
  async overdue(now: number, limit = 100): Promise<OverdueBotWait[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .select(['id', 'account_id', 'bot_id'])
      .where('bot_wait_until', '<=', now)
      .where('bot_id', 'is not', null)
      // A conversation the visitor ended while the bot held it owes nothing.
      .where('status', '=', 'queued')
      .orderBy('bot_wait_until')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, accountId: r.account_id, botId: r.bot_id! }));
  }
}
