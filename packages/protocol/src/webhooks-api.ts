import Type, { type Static, type TSchema } from 'typebox';
import { ConversationSummary } from './assist-api.ts';
import { Conversation, Message } from './chat-api.ts';
import { Contact } from './contacts-api.ts';
import { SlaBreachPayload } from './sla-api.ts';

/**
 * Outgoing webhooks: the event catalogue, each event's payload schema, and the REST bodies of
 * endpoints and deliveries. Deliveries follow the Standard Webhooks specification (headers
 * `webhook-id`, `webhook-timestamp`, `webhook-signature`).
 */

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const closed = { additionalProperties: false } as const;

/** What happened to an exposure's engagement, as a visitor was shown it. */
export const ExposurePayload = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  visitorId: Type.String(),
  sessionId: Nullable(Type.String()),
  campaignId: Type.String(),
  engagementType: Type.String(),
  /** True when the visitor fell in the campaign's control group and was shown nothing. */
  control: Type.Boolean(),
  /** The variant's key the visitor was given (`control` for the control group of a campaign with variants); null without variants. */
  variant: Nullable(Type.String()),
  createdAt: Iso,
});

/** A conversion linked to the engagements that led to it. */
export const ConversionPayload = Type.Object({
  id: Type.String(),
  siteId: Nullable(Type.String()),
  visitorId: Nullable(Type.String()),
  contactId: Nullable(Type.String()),
  orderId: Nullable(Type.String()),
  value: Type.Number(),
  currency: Nullable(Type.String()),
  /** Where the order was seen: the tag, the conversions API, a store's webhook. */
  source: Type.String(),
  occurredAt: Iso,
  exposureIds: Type.Array(Type.String()),
  campaignIds: Type.Array(Type.String()),
});

/** Why a bot gave a conversation to people. */
export const BotHandoffReason = Type.Union([
  /** The bot asked for it (the bot API, its socket, or its webhook answer). */
  Type.Literal('bot'),
  /** The answer bot found no article above its confidence threshold. */
  Type.Literal('no_answer'),
  /** The visitor said the answer bot's article did not help. */
  Type.Literal('not_helped'),
  /** The bot did not answer the visitor's line in time. */
  Type.Literal('timeout'),
]);
export type BotHandoffReason = Static<typeof BotHandoffReason>;

/** The payload (`data`) of each event type; the catalogue is this object's keys. */
export const WebhookEventData = {
  'conversation.created': Type.Object({ conversation: Conversation }),
  'conversation.assigned': Type.Object({ conversation: Conversation, agentId: Type.String() }),
  'conversation.transferred': Type.Object({
    conversation: Conversation,
    fromAgentId: Nullable(Type.String()),
    toAgentId: Nullable(Type.String()),
    toSkillId: Nullable(Type.String()),
  }),
  'conversation.resolved': Type.Object({
    conversation: Conversation,
    /**
     * Agent assist's summary of the conversation (written at the close); null when assist is off
     * or none was written in time.
     */
    summary: Nullable(ConversationSummary),
  }),
  'conversation.sla_breached': Type.Object({ breach: SlaBreachPayload }),
  'message.created': Type.Object({ message: Message, channel: Type.String() }),
  'contact.created': Type.Object({ contact: Contact }),
  'contact.updated': Type.Object({ contact: Contact }),
  'exposure.created': Type.Object({ exposure: ExposurePayload }),
  'conversion.attributed': Type.Object({ conversion: ConversionPayload }),
  'csat.submitted': Type.Object({
    conversationId: Type.String(),
    agentId: Nullable(Type.String()),
    score: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Nullable(Type.String()),
  }),
  'bot.handoff': Type.Object({
    /** The conversation as it entered its skill's queue. */
    conversation: Conversation,
    botId: Type.String(),
    botName: Type.String(),
    reason: BotHandoffReason,
    /** The bot's note for the agent, if any. */
    note: Nullable(Type.String()),
    /** The skill the bot sent it to, when not the conversation's own. */
    toSkillId: Nullable(Type.String()),
  }),
  'bot.resolved': Type.Object({
    conversation: Conversation,
    botId: Type.String(),
    botName: Type.String(),
  }),
  'campaign.changed': Type.Object({
    change: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('deleted')]),
    campaign: Type.Object({
      id: Type.String(),
      name: Type.String(),
      status: Type.String(),
      version: Type.Integer(),
    }),
  }),
} as const;

export type WebhookEventType = keyof typeof WebhookEventData;
export type WebhookEventDataOf<T extends WebhookEventType> = Static<(typeof WebhookEventData)[T]>;

/** Every event type an endpoint may subscribe to, in catalogue order. */
export const WEBHOOK_EVENT_TYPES = Object.keys(WebhookEventData) as WebhookEventType[];

/** One line per event, for the console's checkboxes and the docs. */
export const WEBHOOK_EVENT_SUMMARIES: Record<WebhookEventType, string> = {
  'conversation.created': 'A conversation started (web chat, e-mail, a messaging channel, the API).',
  'conversation.assigned': 'An agent took a conversation.',
  'conversation.transferred': 'A conversation moved to another agent or skill.',
  'conversation.resolved': 'A conversation was resolved or closed.',
  'conversation.sla_breached': 'A conversation missed its first-response or resolution target.',
  'message.created': 'A message, note or system line was stored in a conversation.',
  'contact.created': 'A new contact became known.',
  'contact.updated': 'A contact’s name, e-mail, phone or attributes changed.',
  'exposure.created': 'A visitor was shown an engagement, or fell in a control group.',
  'conversion.attributed': 'A purchase or goal was attributed to engagements.',
  'csat.submitted': 'A customer rated a conversation.',
  'bot.handoff': 'A bot handed a conversation over to people (asked to, found no answer, or timed out).',
  'bot.resolved': 'A bot resolved a conversation without a person (the visitor said its answer helped).',
  'campaign.changed': 'A campaign was created, changed or deleted.',
};

/** The body of every delivery: the event's type, when it happened, and its payload. */
export function WebhookEnvelope<T extends WebhookEventType>(type: T) {
  return Type.Object({
    type: Type.Literal(type),
    timestamp: Iso,
    data: WebhookEventData[type],
  });
}

export interface WebhookEvent<T extends WebhookEventType = WebhookEventType> {
  type: T;
  timestamp: string;
  data: WebhookEventDataOf<T>;
}

export const WebhookEventTypeSchema = Type.Unsafe<WebhookEventType>(
  Type.Union(WEBHOOK_EVENT_TYPES.map((t) => Type.Literal(t))),
);

/** Where deliveries go: a receiver that verifies signatures, or a Slack incoming webhook. */
export const WebhookKind = Type.Union([Type.Literal('webhook'), Type.Literal('slack')]);
export type WebhookKind = Static<typeof WebhookKind>;

/** What a Slack endpoint posts about. */
export const SlackOptions = Type.Object(
  {
    /** Post when a conversation has waited this many minutes without an agent (null: never). */
    waitingMinutes: Nullable(Type.Integer({ minimum: 1, maximum: 1440 })),
    /** Post when a customer rates a conversation at or below `lowCsatAt`. */
    lowCsat: Type.Boolean(),
    /** The highest score that counts as low (default 2). */
    lowCsatAt: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
    /** Post when a conversation breaches its service level. */
    slaBreach: Type.Boolean(),
  },
  closed,
);
export type SlackOptions = Static<typeof SlackOptions>;

export const WebhookEndpoint = Type.Object({
  id: Type.String(),
  kind: WebhookKind,
  url: Type.String(),
  description: Nullable(Type.String()),
  events: Type.Array(WebhookEventTypeSchema),
  slack: Nullable(SlackOptions),
  enabled: Type.Boolean(),
  /** Why deliveries stopped: `failing` (disabled after failing for days) or `manual`. */
  disabledReason: Nullable(Type.String()),
  disabledAt: Nullable(Iso),
  /** Deliveries that failed in a row, since the last success. */
  failureStreak: Type.Integer(),
  /** Until when the previous secret still signs deliveries, after a rotation. */
  previousSecretUntil: Nullable(Iso),
  createdAt: Iso,
  updatedAt: Iso,
});
export type WebhookEndpoint = Static<typeof WebhookEndpoint>;

/** The answer to a create or a rotation: the endpoint and its secret, shown this once. */
export const WebhookEndpointWithSecret = Type.Intersect([
  WebhookEndpoint,
  Type.Object({ secret: Type.String({ pattern: '^whsec_' }) }),
]);

const Url = Type.String({ minLength: 8, maxLength: 2000 });
const Events = Type.Array(WebhookEventTypeSchema, { minItems: 1, maxItems: 32, uniqueItems: true });
const Description = Type.String({ maxLength: 200 });

export const WebhookCreateInput = Type.Object(
  {
    url: Url,
    events: Type.Optional(Events),
    description: Type.Optional(Description),
    kind: Type.Optional(WebhookKind),
    slack: Type.Optional(SlackOptions),
  },
  closed,
);
export type WebhookCreateInput = Static<typeof WebhookCreateInput>;

export const WebhookUpdateInput = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    description: Type.Optional(Nullable(Description)),
    enabled: Type.Optional(Type.Boolean()),
    slack: Type.Optional(SlackOptions),
  },
  closed,
);
export type WebhookUpdateInput = Static<typeof WebhookUpdateInput>;

export const WebhookRotateInput = Type.Object(
  {
    /** How long the old secret keeps signing beside the new one (default 24 h, at most 7 days). */
    overlapSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 86_400 })),
  },
  closed,
);

export const WebhookDeliveryStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('sending'),
  Type.Literal('delivered'),
  Type.Literal('failed'),
]);

/** One event on its way to one endpoint, with its last attempt. */
export const WebhookDelivery = Type.Object({
  id: Type.String(),
  endpointId: Type.String(),
  /** The `webhook-id` header: the same on every attempt and replay, so receivers can dedupe. */
  webhookId: Type.String(),
  eventType: WebhookEventTypeSchema,
  status: WebhookDeliveryStatus,
  attempts: Type.Integer(),
  /** The body sent, as sent. */
  request: Type.String(),
  responseStatus: Nullable(Type.Integer()),
  /** The first bytes of the receiver's answer. */
  responseExcerpt: Nullable(Type.String()),
  durationMs: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  nextAttemptAt: Nullable(Iso),
  createdAt: Iso,
  deliveredAt: Nullable(Iso),
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const WebhookDeliveryListQuery = Type.Object(
  {
    status: Type.Optional(WebhookDeliveryStatus),
    before: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  closed,
);

export const WebhookReplayInput = Type.Object({ since: Type.String({ format: 'date-time' }) }, closed);
export const WebhookReplayResult = Type.Object({ queued: Type.Integer() });

/** What the console's nav and the webhooks page warn about. */
export const WebhookNotice = Type.Object({
  disabled: Type.Array(Type.Object({ id: Type.String(), url: Type.String(), disabledAt: Nullable(Iso) })),
});
export type WebhookNotice = Static<typeof WebhookNotice>;
