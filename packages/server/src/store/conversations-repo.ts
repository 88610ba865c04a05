import type {
  Conversation,
  ConversationSource,
  ConversationState,
  ConversationStatus,
} from '@beckon/protocol/chat-api';
import type { WebhookEvent } from '@beckon/protocol/webhooks-api';
import { type Kysely, type Selectable, sql } from 'kysely';
import { AppError, badRequest, notFound } from '../errors.ts';
import { newId, randomToken } from '../ids.ts';
import { heldBy } from './assignment-history.ts';
import { lastSeq, messageTotals, toConversation, toMessage } from './conversation-rows.ts';
import { outboxRowOf } from './outbox-repo.ts';
import type { OutboxTable } from './outbox-schema.ts';
import { jsonArray, likePattern } from './rows.ts';
import type { ConversationsTable, Database } from './schema.ts';
import { statementRuns } from './shaped-sql.ts';
import type { StoreCapabilities } from './store-capabilities.ts';
import type { WebhooksRepo } from './webhooks-repo.ts';

export interface NewConversation {
  /** A given id (a channel's first message names its conversation, so a retry finds it); new otherwise. */
  id?: string;
  accountId: string;
  siteId: string | null;
  visitorId: string | null;
  channel?: ConversationsTable['channel'];
  source: ConversationSource;
  originExposureId?: string | null;
  skillId: string | null;
  /** `closed` (resolved) starts it in no queue: a campaign's message waits there for an answer. */
  status: Extract<ConversationStatus, 'queued' | 'offline' | 'closed'>;
  /** Who closed it, with `status: 'closed'` (e.g. `campaign`). */
  closedBy?: string;
  priority?: number;
  value?: number;
  /** Purchase-propensity score when the model knows one (queue order after value). */
  score?: number | null;
  /** Routing offers the chat to this agent first (the agent who invited the visitor). */
  preferredAgentId?: string | null;
  visitorName?: string | null;
  visitorEmail?: string | null;
  topic?: string | null;
  /** The contact it is with, when known from the start. */
  contactId?: string | null;
  tokenHash: string;
  /** The bot that takes it first (its skill offers new conversations to a bot). */
  botId?: string | null;
  /** The widget's language (a web chat): the lines the server writes to the visitor use it. */
  language?: string | null;
  /**
   * The invitation the visitor accepted, or a campaign's message: stored as the conversation's first
   * message, in the same transaction. `echoId` names the exposure it came from.
   */
  invitation?: { text: string; from: string | null; echoId?: string; outboxPayload?: string };
  /** The provider connection its replies leave by (a campaign's WhatsApp number). */
  connectionId?: string | null;
}

/** A waiting conversation with its propensity score (queue order uses it after priority and value). */
export type WaitingConversation = Conversation & { score: number | null };

/** What an agent-role caller may see: their own conversations and the queues of their skills. */
export interface AgentScope {
  agentId: string;
  skillIds: readonly string[];
}

export interface ConversationSearch {
  q?: string;
  status?: ConversationStatus;
  state?: ConversationState;
  channel?: ConversationsTable['channel'];
  contactId?: string;
  agentId?: string;
  skillId?: string;
  /** Created at or after / before (epoch ms). */
  from?: number;
  to?: number;
  csatMin?: number;
  csatMax?: number;
  limit?: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

const encodeCursor = (r: { created_at: number; id: string }) =>
  Buffer.from(`${r.created_at}:${r.id}`).toString('base64url');

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString();
  const i = text.indexOf(':');
  const createdAt = Number(text.slice(0, i));
  if (i < 1 || !Number.isFinite(createdAt)) throw badRequest('invalid cursor');
  return { createdAt, id: text.slice(i + 1) };
}

/** Stands for "no score" in queue order (below every real score). */
const NO_SCORE = -1e300;
/** Conversations (and their first messages) one insert of `createInvitations` writes, at most: a power of two. */
const INVITATION_RUN = 64;
/** Outbox rows one insert of `createInvitations` writes, at most: a power of two. */
const OUTBOX_RUN = 128;

/** A new conversation's row (`ConversationsRepo.create`). */
function conversationRowOf(input: NewConversation, now: number): Selectable<ConversationsTable> {
  return {
    id: input.id ?? newId('conv'),
    account_id: input.accountId,
    site_id: input.siteId,
    visitor_id: input.visitorId,
    channel: input.channel ?? 'web',
    source: input.source,
    origin_exposure_id: input.originExposureId ?? null,
    skill_id: input.skillId,
    status: input.status,
    assigned_agent_id: null,
    offered_to: null,
    offered_at: null,
    priority: input.priority ?? 0,
    value: input.value ?? 0,
    score: input.score ?? null,
    preferred_agent_id: input.preferredAgentId ?? null,
    visitor_name: input.visitorName ?? null,
    visitor_email: input.visitorEmail ?? null,
    topic: input.topic ?? null,
    enqueued_at: now,
    skill_entered_at: now,
    overflow_count: 0,
    assigned_at: null,
    first_response_at: null,
    closed_at: input.status === 'closed' ? now : null,
    closed_by: input.status === 'closed' ? (input.closedBy ?? null) : null,
    disposition: null,
    tags: '[]',
    csat_score: null,
    csat_comment: null,
    visitor_token_hash: input.tokenHash,
    contact_id: input.contactId ?? null,
    connection_id: input.connectionId ?? null,
    merged_into: null,
    waiting_on: null,
    snoozed_until: null,
    notified_seq: 0,
    visitor_read_seq: 0,
    agent_read_seq: 0,
    bot_id: input.botId ?? null,
    first_bot_id: input.botId ?? null,
    handoff_at: null,
    joined_agent_id: null,
    bot_wait_until: null,
    language: input.language ?? null,
    customer_language: null,
    created_at: now,
    updated_at: now,
  };
}

/** Conversations: creation, lookup (by id or visitor token), history search. State changes live in AssignmentRepo. */
export class ConversationsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: StoreCapabilities,
    private readonly webhooks: WebhooksRepo,
  ) {}

  /** Creates a conversation; a transaction may pass itself as `db` to write it with its other rows. */
  async create(
    input: NewConversation,
    now = Date.now(),
    db: Kysely<Database> = this.db,
  ): Promise<Conversation> {
    const row = conversationRowOf(input, now);
    const invitation = input.invitation;
    const conversation = toConversation({
      ...row,
      last_seq: invitation ? 1 : 0,
      last_message_at: invitation ? now : null,
    });
    // `conversation.created` (and the invitation's `message.created`) queued with the rows.
    const timestamp = new Date(now).toISOString();
    const hooks: WebhookEvent[] = [{ type: 'conversation.created', timestamp, data: { conversation } }];
    const inTransaction = <T>(write: (trx: Kysely<Database>) => Promise<T>) =>
      db === this.db ? this.db.transaction().execute(write) : write(db);
    if (!invitation) {
      if (!(await this.webhooks.wants(row.account_id, 'conversation.created', now, db))) {
        await db.insertInto('conversations').values(row).execute();
        return conversation;
      }
      const n = await inTransaction(async (trx) => {
        await trx.insertInto('conversations').values(row).execute();
        return this.webhooks.queueIn(trx, row.account_id, hooks, now);
      });
      this.webhooks.committed(n);
      return conversation;
    }
    const n = await inTransaction(async (trx) => {
      await trx.insertInto('conversations').values(row).execute();
      const first = this.firstMessageOf(row, invitation, now);
      await trx.insertInto(this.caps.messageTable).values(first).execute();
      // A campaign's message on a channel other than web chat leaves through the outbox, written
      // with it so it is sent once it is stored and never before.
      if (row.channel !== 'web') {
        await trx
          .insertInto('outbox')
          .values(outboxRowOf(row.account_id, row.id, 1, row.channel, now, invitation.outboxPayload ?? null))
          .execute();
      }
      hooks.push({
        type: 'message.created',
        timestamp,
        data: { message: toMessage(first), channel: row.channel },
      });
      return this.webhooks.queueIn(trx, row.account_id, hooks, now);
    });
    this.webhooks.committed(n);
    return conversation;
  }

  private firstMessageOf(
    row: Selectable<ConversationsTable>,
    invitation: NonNullable<NewConversation['invitation']>,
    now: number,
  ) {
    return {
      conversation_id: row.id,
      seq: 1,
      account_id: row.account_id,
      sender_kind: 'invitation' as const,
      sender_id: 'invitation',
      sender_name: invitation.from,
      echo_id: invitation.echoId ?? null,
      body: invitation.text,
      attachments: null,
      created_at: now,
    };
  }

  /**
   * Starts many conversations of one account, each with its invitation as the first message and
   * an outbox row due at its time, in the caller's transaction and a few multi-row writes (a
   * broadcast's page): what `create` does for each. Returns them; call `webhooks.committed(n)`
   * with `hooks` after the commit.
   */
  async createInvitations(
    trx: Kysely<Database>,
    accountId: string,
    items: readonly {
      input: NewConversation & { invitation: NonNullable<NewConversation['invitation']> };
      /** `once`: sent at most once (a broadcast's message; see outbox-dispatcher.ts). */
      outbox: { id: string; dueAt: number; pacePerMinute: number | null; once: boolean };
    }[],
    now: number,
  ): Promise<{ conversations: Conversation[]; hooks: number }> {
    if (items.length === 0) return { conversations: [], hooks: 0 };
    const timestamp = new Date(now).toISOString();
    const rows = [];
    const firsts = [];
    const outs: OutboxTable[] = [];
    const conversations: Conversation[] = [];
    const hooks: WebhookEvent[] = [];
    for (const { input, outbox } of items) {
      const row = conversationRowOf(input, now);
      const first = this.firstMessageOf(row, input.invitation, now);
      rows.push(row);
      firsts.push(first);
      if (row.channel !== 'web')
        outs.push({
          ...outboxRowOf(accountId, row.id, 1, row.channel, now, input.invitation.outboxPayload ?? null),
          id: outbox.id,
          next_attempt_at: outbox.dueAt,
          pace_per_minute: outbox.pacePerMinute,
          once: outbox.once ? 1 : 0,
        });
      const conversation = toConversation({ ...row, last_seq: 1, last_message_at: now });
      conversations.push(conversation);
      hooks.push(
        { type: 'conversation.created', timestamp, data: { conversation } },
        { type: 'message.created', timestamp, data: { message: toMessage(first), channel: row.channel } },
      );
    }
    // Runs kept well under either database's limit of bound values in one statement; on SQLite, of
    // a power of two rows each (statementRuns). A page's count of reached contacts is any number:
    // with one SQL text per count, its inserts were prepared again page after page, on the thread
    // that serves the chats.
    let at = 0;
    for (const run of statementRuns(rows, INVITATION_RUN, this.caps.keptStatements)) {
      await trx.insertInto('conversations').values(run).execute();
      await trx
        .insertInto(this.caps.messageTable)
        .values(firsts.slice(at, at + run.length))
        .execute();
      at += run.length;
    }
    for (const run of statementRuns(outs, OUTBOX_RUN, this.caps.keptStatements))
      await trx.insertInto('outbox').values(run).execute();
    return { conversations, hooks: await this.webhooks.queueIn(trx, accountId, hooks, now) };
  }

  /** Tells the webhook dispatchers that `n` deliveries were committed (see `createInvitations`). */
  committed(n: number): void {
    this.webhooks.committed(n);
  }

  /** Moves a conversation to the channel its customer last wrote from. */
  async setChannel(
    accountId: string,
    id: string,
    channel: ConversationsTable['channel'],
    now = Date.now(),
  ): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ channel, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  }

  /** Says which contact a conversation is with (the contact was learnt after it started). */
  async setContact(accountId: string, id: string, contactId: string, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ contact_id: contactId, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  }

  /**
   * A verified contact takes the conversations of a tag visitor that no verified contact holds
   * (anonymous ones, or those of a typed e-mail): the site now vouches for who wrote them. Those of
   * another verified contact stay (a shared browser, signed in as someone else before).
   */
  async adoptVisitor(
    accountId: string,
    siteId: string,
    visitorId: string,
    contactId: string,
    now = Date.now(),
  ): Promise<number> {
    const r = await this.db
      .updateTable('conversations')
      .set({ contact_id: contactId, updated_at: now })
      .where('account_id', '=', accountId)
      .where('site_id', '=', siteId)
      .where('visitor_id', '=', visitorId)
      .where((eb) =>
        eb.or([
          eb('contact_id', 'is', null),
          eb(
            'contact_id',
            'in',
            eb
              .selectFrom('contacts')
              .select('id')
              .where('account_id', '=', accountId)
              .where('verified', '=', 0),
          ),
        ]),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** The contact of each conversation named that exists (null: none), in one read. */
  async contactIds(accountId: string, ids: readonly string[]): Promise<Map<string, string | null>> {
    if (ids.length === 0) return new Map();
    // By id alone, the account checked on each row: see ContactsRepo.findPage.
    const rows = await this.db
      .selectFrom('conversations')
      .select(['id', 'account_id', 'contact_id'])
      .where('id', 'in', [...ids])
      .execute();
    return new Map(rows.filter((r) => r.account_id === accountId).map((r) => [r.id, r.contact_id]));
  }

  async find(accountId: string, id: string): Promise<Conversation | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .selectAll()
      .select(messageTotals)
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toConversation(row);
  }

  /**
   * What a mail in a conversation is addressed and titled by: its topic and the e-mail the visitor
   * gave. One row's two columns, without the message totals `find` counts (a broadcast reads this
   * for every mail it sends).
   */
  async mailHeads(
    accountId: string,
    id: string,
  ): Promise<{ topic: string | null; visitorEmail: string | null } | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .select(['topic', 'visitor_email'])
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { topic: row.topic, visitorEmail: row.visitor_email };
  }

  async get(accountId: string, id: string): Promise<Conversation> {
    const c = await this.find(accountId, id);
    if (!c) throw notFound('conversation');
    return c;
  }

  /** The conversation a visitor token opens, with its account (the token is the only credential). */
  async findByTokenHash(
    hash: string,
  ): Promise<{ accountId: string; conversation: Conversation } | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .selectAll()
      .select(messageTotals)
      .where('visitor_token_hash', '=', hash)
      .executeTakeFirst();
    if (row) return { accountId: row.account_id, conversation: toConversation(row) };
    // A second token (the same verified user on another device) opens the conversation too.
    const extra = await this.db
      .selectFrom('conversation_tokens')
      .select(['account_id', 'conversation_id'])
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    if (!extra) return undefined;
    const c = await this.find(extra.account_id, extra.conversation_id);
    return c && { accountId: extra.account_id, conversation: c };
  }

  /** Gives a conversation one more token (its hash); the first token keeps working. */
  async addToken(accountId: string, conversationId: string, tokenHash: string, now = Date.now()) {
    await this.db
      .insertInto('conversation_tokens')
      .values({
        token_hash: tokenHash,
        conversation_id: conversationId,
        account_id: accountId,
        created_at: now,
      })
      .execute();
  }

  /**
   * Makes one token stop opening a conversation (its own or a second one), leaving the others: a
   * signed-in user's chat found on a browser someone else signed in to since.
   */
  async revokeToken(accountId: string, conversationId: string, tokenHash: string): Promise<void> {
    await this.db
      .deleteFrom('conversation_tokens')
      .where('account_id', '=', accountId)
      .where('token_hash', '=', tokenHash)
      .execute();
    await this.db
      .updateTable('conversations')
      .set({ visitor_token_hash: `revoked_${randomToken(24)}` })
      .where('account_id', '=', accountId)
      .where('id', '=', conversationId)
      .where('visitor_token_hash', '=', tokenHash)
      .execute();
  }

  /** A contact's conversations on every channel, latest activity first. */
  async ofContact(accountId: string, contactId: string, limit = 100): Promise<Conversation[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .select(messageTotals)
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toConversation);
  }

  /** Open conversations an agent holds or has been offered (their inbox on connect). */
  async inboxOf(accountId: string, agentId: string): Promise<Conversation[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .select(messageTotals)
      .where('account_id', '=', accountId)
      .where((eb) =>
        eb.or([
          eb.and([eb('assigned_agent_id', '=', agentId), eb('status', '=', 'active')]),
          eb.and([eb('offered_to', '=', agentId), eb('status', '=', 'offered')]),
        ]),
      )
      .orderBy('enqueued_at')
      .execute();
    return rows.map(toConversation);
  }

  /** Waiting conversations of an account (queued and offered), for queue views. */
  async waiting(accountId: string): Promise<WaitingConversation[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .select(messageTotals)
      .where('account_id', '=', accountId)
      .where('status', 'in', ['queued', 'offered'])
      .where('bot_id', 'is', null)
      .execute();
    return rows.map((r) => ({ ...toConversation(r), score: r.score === null ? null : Number(r.score) }));
  }

  /**
   * Moves one side's read position forward — never back, never past the last message. Returns the
   * new position, or undefined when it did not move (a stale or repeated receipt).
   */
  async markRead(
    accountId: string,
    id: string,
    side: 'visitor' | 'agent',
    seq: number,
  ): Promise<number | undefined> {
    const col = side === 'visitor' ? 'visitor_read_seq' : 'agent_read_seq';
    const upTo = sql<number>`CASE WHEN ${lastSeq.expression} < CAST(${seq} AS INTEGER) THEN ${lastSeq.expression} ELSE CAST(${seq} AS INTEGER) END`;
    const row = await this.db
      .updateTable('conversations')
      .set(side === 'visitor' ? { visitor_read_seq: upTo } : { agent_read_seq: upTo })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where(col, '<', seq)
      .where((eb) => eb(col, '<', lastSeq.expression))
      .returning(col)
      .executeTakeFirst();
    if (!row) return undefined;
    return Number((row as Record<string, unknown>)[col]);
  }

  /**
   * 1-based place of a waiting conversation in its skill's queue (the order of the routing
   * policy: priority, value, score, then the longest waiting), counted in the store.
   */
  async queuePosition(accountId: string, c: Conversation): Promise<number | null> {
    if ((c.status !== 'queued' && c.status !== 'offered') || !c.skillId || c.botId) return null;
    const enqueued = Date.parse(c.enqueuedAt);
    const own = await this.db
      .selectFrom('conversations')
      .select('score')
      .where('id', '=', c.id)
      .executeTakeFirst();
    // An unknown score sorts last, as in the routing policy.
    const score = sql<number>`COALESCE(score, ${NO_SCORE})`;
    const mine = own?.score == null ? NO_SCORE : Number(own.score);
    const row = await this.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('status', 'in', ['queued', 'offered'])
      .where('bot_id', 'is', null)
      .where('skill_id', '=', c.skillId)
      .where((eb) =>
        eb.or([
          eb('priority', '>', c.priority),
          eb.and([
            eb('priority', '=', c.priority),
            eb.or([
              eb('value', '>', c.value),
              eb.and([
                eb('value', '=', c.value),
                eb.or([
                  eb(score, '>', mine),
                  eb.and([
                    eb(score, '=', mine),
                    eb.or([
                      eb('enqueued_at', '<', enqueued),
                      eb.and([eb('enqueued_at', '=', enqueued), eb('id', '<', c.id)]),
                    ]),
                  ]),
                ]),
              ]),
            ]),
          ]),
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n) + 1;
  }

  /** History search, newest first, one page at a time; an agent scope limits it to what that agent may see. */
  async search(
    accountId: string,
    f: ConversationSearch,
    scope?: AgentScope,
  ): Promise<{ items: Conversation[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
    let q = this.db
      .selectFrom('conversations')
      .selectAll()
      .select(messageTotals)
      .where('account_id', '=', accountId);
    if (scope) {
      const skills = scope.skillIds.length > 0 ? [...scope.skillIds] : ['-'];
      q = q.where((eb) =>
        eb.or([
          eb('assigned_agent_id', '=', scope.agentId),
          eb('offered_to', '=', scope.agentId),
          eb.and([eb('status', 'in', ['queued', 'offered', 'offline']), eb('skill_id', 'in', skills)]),
          // Chats they took part in, also after a transfer moved them on.
          eb.exists(
            eb
              .selectFrom('messages')
              .select(sql`1`.as('one'))
              .whereRef('messages.conversation_id', '=', 'conversations.id')
              .where('messages.sender_id', '=', scope.agentId)
              .where('messages.sender_kind', 'in', ['agent', 'note']),
          ),
        ]),
      );
    }
    if (f.status) q = q.where('status', '=', f.status);
    if (f.channel) q = q.where('channel', '=', f.channel);
    if (f.contactId) q = q.where('contact_id', '=', f.contactId);
    if (f.state === 'resolved') q = q.where('status', '=', 'closed');
    else if (f.state) {
      q = q.where('status', '!=', 'closed');
      if (f.state === 'snoozed') q = q.where('snoozed_until', 'is not', null);
      else {
        q = q.where('snoozed_until', 'is', null);
        q = q.where('waiting_on', f.state === 'pending' ? 'is not' : 'is', null);
      }
    }
    // Every agent who held it, not only the last: a transferred chat is in both agents' history.
    if (f.agentId) q = q.where(heldBy(f.agentId, 'conversations.id'));
    if (f.skillId) q = q.where('skill_id', '=', f.skillId);
    if (f.from !== undefined) q = q.where('created_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('created_at', '<', f.to);
    if (f.csatMin !== undefined) q = q.where('csat_score', '>=', f.csatMin);
    if (f.csatMax !== undefined) q = q.where('csat_score', '<=', f.csatMax);
    if (f.q?.trim()) {
      const pattern = likePattern(f.q.trim());
      q = q.where((eb) =>
        eb.or([
          sql<boolean>`lower(coalesce(visitor_name, '')) like ${pattern} escape '\\'`,
          sql<boolean>`lower(coalesce(visitor_email, '')) like ${pattern} escape '\\'`,
          eb.exists(
            eb
              .selectFrom('messages')
              .select(sql`1`.as('one'))
              .whereRef('messages.conversation_id', '=', 'conversations.id')
              .where(sql<boolean>`lower(messages.body) like ${pattern} escape '\\'`),
          ),
        ]),
      );
    }
    if (f.cursor) {
      const c = decodeCursor(f.cursor);
      q = q.where((eb) =>
        eb.or([
          eb('created_at', '<', c.createdAt),
          eb.and([eb('created_at', '=', c.createdAt), eb('id', '<', c.id)]),
        ]),
      );
    }
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toConversation),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  /**
   * Fills in the offline form's name, e-mail and topic on a conversation that turned offline before the
   * visitor gave them (kept values win); only an `offline` conversation takes them.
   */
  async setOfflineContact(
    accountId: string,
    id: string,
    contact: { name: string; email: string; topic: string | null },
  ): Promise<Conversation> {
    const current = await this.get(accountId, id);
    if (current.status !== 'offline') {
      throw new AppError(409, 'not_offline', 'this conversation is not waiting for an offline message');
    }
    const row = await this.db
      .updateTable('conversations')
      .set({
        visitor_name: current.visitorName ?? contact.name,
        visitor_email: current.visitorEmail ?? contact.email,
        topic: current.topic ?? contact.topic,
        updated_at: Date.now(),
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .returning(messageTotals)
      .executeTakeFirstOrThrow();
    return toConversation(row);
  }

  /** Records the visitor's satisfaction survey; allowed once the conversation has ended. */
  async setCsat(accountId: string, id: string, score: number, comment: string | null): Promise<Conversation> {
    const now = Date.now();
    const { row, hooks } = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('conversations')
        .set({ csat_score: score, csat_comment: comment, updated_at: now })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .where('status', '=', 'closed')
        .returningAll()
        .returning(messageTotals)
        .executeTakeFirst();
      if (!row) return { row, hooks: 0 };
      const data = { conversationId: id, agentId: row.assigned_agent_id, score, comment };
      const event: WebhookEvent = { type: 'csat.submitted', timestamp: new Date(now).toISOString(), data };
      return { row, hooks: await this.webhooks.queueIn(trx, accountId, [event], now) };
    });
    this.webhooks.committed(hooks);
    if (row) return toConversation(row);
    await this.get(accountId, id);
    throw new AppError(409, 'not_ended', 'rate the conversation once it has ended');
  }

  /** Adds tags to a conversation (kept once each, in the order first given); answers it. */
  addTags(accountId: string, id: string, tags: readonly string[], now = Date.now()): Promise<Conversation> {
    return this.retag(accountId, id, (had) => [...new Set([...had, ...tags])], now);
  }

  /** Takes tags off a conversation (a macro that failed takes back those it added); answers it. */
  removeTags(
    accountId: string,
    id: string,
    tags: readonly string[],
    now = Date.now(),
  ): Promise<Conversation> {
    return this.retag(accountId, id, (had) => had.filter((tag) => !tags.includes(tag)), now);
  }

  /** Rewrites a conversation's tags from those it has, in one transaction with the row locked. */
  private retag(
    accountId: string,
    id: string,
    next: (had: string[]) => string[],
    now: number,
  ): Promise<Conversation> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx
        .selectFrom('conversations')
        .select('tags')
        .where('account_id', '=', accountId)
        .where('id', '=', id);
      if (this.caps.rowLocks) q = q.forUpdate();
      const row = await q.executeTakeFirst();
      if (!row) throw notFound('conversation');
      const updated = await trx
        .updateTable('conversations')
        .set({ tags: JSON.stringify(next(jsonArray(row.tags))), updated_at: now })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .returningAll()
        .returning(messageTotals)
        .executeTakeFirstOrThrow();
      return toConversation(updated);
    });
  }

  /** Sets a conversation's priority (higher is served first in its queue); answers it. */
  async setPriority(
    accountId: string,
    id: string,
    priority: number,
    now = Date.now(),
  ): Promise<Conversation> {
    const row = await this.db
      .updateTable('conversations')
      .set({ priority, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .returning(messageTotals)
      .executeTakeFirst();
    if (!row) throw notFound('conversation');
    return toConversation(row);
  }

  /** The visitor's purchase propensity when the conversation began, if the model knew one. */
  async scoreOf(accountId: string, id: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('conversations')
      .select('score')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.score == null ? null : Number(row.score);
  }

  /**
   * Of these visitors, those with a conversation not yet resolved or offline, and its state:
   * `waiting` (queued or offered) or `active`. Keys are `siteId` NUL `visitorId`.
   */
  async chatsOfVisitors(
    accountId: string,
    visitors: ReadonlyArray<{ siteId: string; visitorId: string }>,
  ): Promise<Map<string, 'waiting' | 'active'>> {
    const out = new Map<string, 'waiting' | 'active'>();
    if (visitors.length === 0) return out;
    const rows = await this.db
      .selectFrom('conversations')
      .select(['site_id', 'visitor_id', 'status'])
      .where('account_id', '=', accountId)
      .where('site_id', 'in', [...new Set(visitors.map((v) => v.siteId))])
      .where('visitor_id', 'in', [...new Set(visitors.map((v) => v.visitorId))])
      .where('status', 'in', ['queued', 'offered', 'active'])
      .execute();
    for (const r of rows) {
      const key = `${r.site_id}\u0000${r.visitor_id}`;
      if (out.get(key) !== 'active') out.set(key, r.status === 'active' ? 'active' : 'waiting');
    }
    return out;
  }

  /** The contact's newest conversation that is not resolved, if any. */
  async openOfContact(accountId: string, contactId: string): Promise<Conversation | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .selectAll()
      .select(messageTotals)
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .where('status', '!=', 'closed')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toConversation(row) : undefined;
  }
}
