import Type, { type Static, type TSchema } from 'typebox';
import { Card, QuickReply, RichContent } from './bot-content.ts';
import { Message } from './chat-api.ts';

export { Card, QuickReply, RichContent };

/**
 * Agent bots: the bots of an account (REST), what a bot is sent (a signed webhook post or a
 * socket frame), what it answers (a reply with quick replies and a card, or a handoff), and the
 * answer bot's knowledge base.
 */

const Iso = Type.String({ format: 'date-time' });
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const closed = { additionalProperties: false } as const;

export const BotKind = Type.Union([Type.Literal('webhook'), Type.Literal('socket'), Type.Literal('answer')]);
export type BotKind = Static<typeof BotKind>;

/** Seconds a bot may take to answer a visitor's line, by default. */
export const DEFAULT_BOT_TIMEOUT_SECONDS = 15;
/** The answer bot's default confidence threshold. */
export const DEFAULT_ANSWER_THRESHOLD = 0.5;

/** A bot as the console lists it: a member of the account of kind `bot`. */
export const Bot = Type.Object({
  id: Id,
  kind: BotKind,
  name: Type.String(),
  /** Always `bot`: tells bots from people in member lists. */
  memberKind: Type.Literal('bot'),
  url: Nullable(Type.String()),
  tokenPrefix: Type.String(),
  timeoutSeconds: Type.Integer(),
  threshold: Type.Number(),
  /** Skills that offer their new conversations to this bot first. */
  skillIds: Type.Array(Type.String()),
  /** Socket bots only: whether a socket of the bot is open now, on any node. */
  connected: Type.Optional(Type.Boolean()),
  createdAt: Iso,
});
export type Bot = Static<typeof Bot>;

const botFields = {
  url: Type.Optional(Nullable(Type.String({ maxLength: 2000, pattern: '^https?://' }))),
  timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
  threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
};
const BotName = Type.String({ minLength: 1, maxLength: 80 });

export const BotCreate = Type.Object({ name: BotName, kind: BotKind, ...botFields }, closed);
export type BotCreate = Static<typeof BotCreate>;
export const BotUpdate = Type.Object({ name: Type.Optional(BotName), ...botFields }, closed);
export type BotUpdate = Static<typeof BotUpdate>;

/** A new bot with its token and signing secret: shown once. */
export const BotCreated = Type.Object({
  bot: Bot,
  /** The bot's credential for the bot API and the bot socket (`Authorization: Bearer …`). */
  token: Type.String(),
  /** The `whsec_` secret its webhook posts are signed with (Standard Webhooks). */
  secret: Type.String(),
});
export type BotCreated = Static<typeof BotCreated>;

/** A bot's line: text, and optionally quick replies and a card. */
export const BotReply = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 4000 }),
    quickReplies: RichContent.properties.quickReplies,
    card: RichContent.properties.card,
  },
  closed,
);
export type BotReply = Static<typeof BotReply>;

/** The bot gives the conversation to people: a note for the agent, and optionally another skill. */
export const BotHandoff = Type.Object(
  {
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    skillId: Type.Optional(Id),
  },
  closed,
);
export type BotHandoff = Static<typeof BotHandoff>;

/** What a bot may read of its conversation: the visitor, their pages, cart and contact. */
export const BotContext = Type.Object({
  conversationId: Id,
  skillId: Nullable(Type.String()),
  channel: Type.String(),
  visitor: Type.Object({
    id: Nullable(Type.String()),
    name: Nullable(Type.String()),
    email: Nullable(Type.String()),
    topic: Nullable(Type.String()),
  }),
  /** The visitor's recent pages, newest first. */
  pages: Type.Array(Type.Object({ url: Type.String(), title: Nullable(Type.String()), at: Iso })),
  cart: Nullable(Type.Unknown()),
  contact: Nullable(
    Type.Object({
      id: Type.String(),
      name: Nullable(Type.String()),
      email: Nullable(Type.String()),
      attributes: Type.Unknown(),
    }),
  ),
  /** The conversation's lines so far (notes left out), oldest first. */
  messages: Type.Array(Message),
});
export type BotContext = Static<typeof BotContext>;

/**
 * What a webhook bot is posted for each visitor line (signed like our webhooks). It answers in the
 * response body (`BotWebhookAnswer`, status 200) or later through the bot API.
 */
export const BotWebhookPost = Type.Object({
  type: Type.Literal('bot.message'),
  botId: Id,
  conversationId: Id,
  message: Message,
  context: BotContext,
  /** Where to answer later (`POST …/messages`, `POST …/handoff`), with the bot's token. */
  replyUrl: Type.String(),
});
export type BotWebhookPost = Static<typeof BotWebhookPost>;

/** A webhook bot's answer in its response body: lines to send, then perhaps a handoff. */
export const BotWebhookAnswer = Type.Object({
  replies: Type.Optional(Type.Array(BotReply, { maxItems: 10 })),
  handoff: Type.Optional(BotHandoff),
});
export type BotWebhookAnswer = Static<typeof BotWebhookAnswer>;

/** Frames the bot socket (`/v1/bot`) sends to the bot. */
export type BotServerFrame =
  | { t: 'ready'; botId: string }
  | { t: 'message'; conversationId: string; message: Message; context: BotContext }
  | { t: 'ack'; ref?: string; seq?: number }
  | { t: 'error'; ref?: string; code: string; message: string };

/** Frames a bot sends on its socket: a reply or a handoff in a conversation it holds. */
export const BotClientFrame = Type.Union([
  Type.Object(
    {
      t: Type.Literal('reply'),
      ref: Type.Optional(Type.String({ maxLength: 64 })),
      conversationId: Id,
      text: BotReply.properties.text,
      quickReplies: BotReply.properties.quickReplies,
      card: BotReply.properties.card,
    },
    closed,
  ),
  Type.Object(
    {
      t: Type.Literal('handoff'),
      ref: Type.Optional(Type.String({ maxLength: 64 })),
      conversationId: Id,
      note: BotHandoff.properties.note,
      skillId: BotHandoff.properties.skillId,
    },
    closed,
  ),
]);
export type BotClientFrame = Static<typeof BotClientFrame>;

/** An article of the knowledge base the answer bot answers from. */
export const KnowledgeArticle = Type.Object({
  id: Id,
  title: Type.String(),
  body: Type.String(),
  tags: Type.Array(Type.String()),
  language: Type.String(),
  url: Nullable(Type.String()),
  createdAt: Iso,
  updatedAt: Iso,
});
export type KnowledgeArticle = Static<typeof KnowledgeArticle>;

const articleFields = {
  body: Type.String({ minLength: 1, maxLength: 20000 }),
  tags: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 }),
  language: Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$' }),
  url: Nullable(Type.String({ maxLength: 2000, pattern: '^https?://' })),
};
const Title = Type.String({ minLength: 1, maxLength: 200 });

export const ArticleCreate = Type.Object(
  {
    title: Title,
    body: articleFields.body,
    tags: Type.Optional(articleFields.tags),
    language: Type.Optional(articleFields.language),
    url: Type.Optional(articleFields.url),
  },
  closed,
);
export type ArticleCreate = Static<typeof ArticleCreate>;
export const ArticleUpdate = Type.Partial(Type.Object({ title: Title, ...articleFields }), closed);
export type ArticleUpdate = Static<typeof ArticleUpdate>;

/** One article the answer bot would answer with, and how sure it is. */
export const ArticleMatch = Type.Object({
  article: KnowledgeArticle,
  /** BM25 score from the index. */
  score: Type.Number(),
  /** The share of the question's words the article holds (0–1): compared with the threshold. */
  confidence: Type.Number(),
  excerpt: Type.String(),
});
export type ArticleMatch = Static<typeof ArticleMatch>;

/** The search preview: the articles a question finds, best first, and whether the bot would answer. */
export const ArticleSearch = Type.Object({
  query: Type.String(),
  threshold: Type.Number(),
  answers: Type.Boolean(),
  matches: Type.Array(ArticleMatch),
});
export type ArticleSearch = Static<typeof ArticleSearch>;

/** Seconds a generated answer may take before the answer bot falls back to the article, by default. */
export const DEFAULT_GENERATION_TIMEOUT_SECONDS = 8;

/**
 * Generated answers (off by default): the answer bot sends the top articles and the visitor's
 * question to an OpenAI-compatible `POST {baseUrl}/chat/completions` and answers with the model's
 * reply, grounded in those articles and citing them. The API key is never read back.
 */
export const AnswerGeneration = Type.Object({
  enabled: Type.Boolean(),
  /** Such as `https://api.openai.com/v1`, `http://127.0.0.1:8080/v1` (llama.cpp), `http://127.0.0.1:11434/v1` (Ollama). */
  baseUrl: Type.String(),
  model: Type.String(),
  /** True when an API key is stored (sealed at rest). */
  hasApiKey: Type.Boolean(),
  timeoutSeconds: Type.Integer(),
  updatedAt: Nullable(Iso),
});
export type AnswerGeneration = Static<typeof AnswerGeneration>;

export const AnswerGenerationUpdate = Type.Object(
  {
    enabled: Type.Boolean(),
    baseUrl: Type.String({ maxLength: 2000, pattern: '^(https?://.+)?$' }),
    model: Type.String({ maxLength: 200 }),
    /** A new key; `null` removes the stored one; left out keeps it. */
    apiKey: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
  },
  closed,
);
export type AnswerGenerationUpdate = Static<typeof AnswerGenerationUpdate>;
