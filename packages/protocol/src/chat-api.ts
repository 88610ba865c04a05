import Type, { type Static } from 'typebox';
import { LanguageCode, MessageTranslation } from './assist-api.ts';
import { RichContent } from './bot-content.ts';
import { Attachment, AttachmentIds } from './chat-attachments.ts';
import type { LineStatus } from './chat-lines.ts';
import { WIDGET_LANGUAGES, type WidgetLanguage } from './widget-languages.ts';

export { deliveryMovesOn, isTimelineEvent, TIMELINE_ECHO_PREFIX } from './chat-lines.ts';

export { Attachment, AttachmentIds, RichContent };

/** Conversation and message shapes shared by the REST API, the chat sockets, the widget and the console. */

/** Longest message text, in characters. Text is plain: clients render it as text, never as HTML. */
export const MAX_MESSAGE_LENGTH = 4000;
/** Longest client echo id. */
export const MAX_ECHO_ID_LENGTH = 64;

const closed = { additionalProperties: false } as const;
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const EchoId = Type.String({ pattern: `^[A-Za-z0-9_.:-]{1,${MAX_ECHO_ID_LENGTH}}$` });
/**
 * On a send: the highest sequence number the client had seen in the conversation when it first sent
 * the message. A retry repeats it, and the store looks for the original (same echo id) only among
 * the messages after it — so a retry must carry the value of the first attempt, never a later one.
 * Without it, the conversation's last `RETRY_WINDOW` messages are searched.
 */
export const SentAfterSeq = Type.Integer({ minimum: 0, maximum: 2 ** 31 });
/** How many of a conversation's latest messages a retry is looked for among, at most. */
export const RETRY_WINDOW = 5000;
export const MessageText = Type.String({ minLength: 1, maxLength: MAX_MESSAGE_LENGTH });
/** A sent message's text: may be empty when the message carries at least one attachment. */
export const MessageBody = Type.String({ maxLength: MAX_MESSAGE_LENGTH });

export const ConversationStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('offered'),
  Type.Literal('active'),
  Type.Literal('closed'),
  Type.Literal('offline'),
]);
export type ConversationStatus = Static<typeof ConversationStatus>;

/**
 * Where a conversation stands for the people working it, whatever routing does with it: open,
 * pending (waiting on the customer), snoozed (until a time), resolved (closed). A customer's new
 * message reopens a resolved conversation and wakes a pending or snoozed one.
 */
export const ConversationState = Type.Union([
  Type.Literal('open'),
  Type.Literal('pending'),
  Type.Literal('snoozed'),
  Type.Literal('resolved'),
]);
export type ConversationState = Static<typeof ConversationState>;

/** How the visitor came to chat. */
export const ConversationSource = Type.Union([
  Type.Literal('invitation'),
  Type.Literal('button'),
  Type.Literal('visitor'),
  Type.Literal('offline_form'),
  Type.Literal('api'),
]);
export type ConversationSource = Static<typeof ConversationSource>;

/** Where a conversation's customer writes from. */
export const Channel = Type.Union([
  Type.Literal('web'),
  Type.Literal('app'),
  Type.Literal('email'),
  Type.Literal('api'),
  Type.Literal('messenger'),
  Type.Literal('whatsapp'),
  Type.Literal('instagram'),
  Type.Literal('telegram'),
  Type.Literal('sms'),
  Type.Literal('voice'),
]);
export type Channel = Static<typeof Channel>;

/** Where an agent's line is on its way to a customer on another channel than web chat. */
export const DeliveryStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('sent'),
  Type.Literal('delivered'),
  Type.Literal('read'),
  Type.Literal('failed'),
]);
export type DeliveryStatus = Static<typeof DeliveryStatus>;
// chat-lines.ts names the same statuses without a schema: this line stops compiling if the two part.
export const deliveryStatusesAgree: [DeliveryStatus, LineStatus] extends [LineStatus, DeliveryStatus]
  ? true
  : never = true;

/**
 * Who wrote a message. `invitation` is the chat invitation the visitor accepted, stored as the
 * conversation's first message under the name it showed (`senderName`, null when it named no one).
 */
export const SenderKind = Type.Union([
  Type.Literal('visitor'),
  Type.Literal('agent'),
  Type.Literal('system'),
  Type.Literal('note'),
  Type.Literal('invitation'),
  Type.Literal('bot'),
]);
export type SenderKind = Static<typeof SenderKind>;

/** A conversation as the console and the REST API see it. */
export const Conversation = Type.Object({
  id: Id,
  siteId: Nullable(Type.String()),
  visitorId: Nullable(Type.String()),
  /** The contact the conversation is with, once known (an e-mail, a phone, an identified user). */
  contactId: Nullable(Type.String()),
  state: ConversationState,
  /** When a snoozed conversation wakes up. */
  snoozedUntil: Nullable(Iso),
  channel: Channel,
  source: ConversationSource,
  originExposureId: Nullable(Type.String()),
  skillId: Nullable(Type.String()),
  status: ConversationStatus,
  assignedAgentId: Nullable(Type.String()),
  offeredTo: Nullable(Type.String()),
  priority: Type.Number(),
  value: Type.Number(),
  visitorName: Nullable(Type.String()),
  visitorEmail: Nullable(Type.String()),
  topic: Nullable(Type.String()),
  enqueuedAt: Iso,
  offeredAt: Nullable(Iso),
  /** When an agent first took it; a transfer keeps it (the wait ends here, the duration starts). */
  assignedAt: Nullable(Iso),
  firstResponseAt: Nullable(Iso),
  closedAt: Nullable(Iso),
  closedBy: Nullable(Type.String()),
  disposition: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  csatScore: Nullable(Type.Integer()),
  csatComment: Nullable(Type.String()),
  lastSeq: Type.Integer(),
  lastMessageAt: Nullable(Iso),
  /** The highest sequence number the visitor has read (unread counts, "Seen"); kept across reloads. */
  visitorReadSeq: Type.Integer(),
  /** The highest sequence number the agent side has read. */
  agentReadSeq: Type.Integer(),
  /** The bot holding it now (it answers; routing waits); null or absent otherwise. */
  botId: Type.Optional(Nullable(Type.String())),
  /** The bot that took part in it, if any (even after it handed over). */
  firstBotId: Type.Optional(Nullable(Type.String())),
  /** When its bot handed it over to people. */
  handoffAt: Type.Optional(Nullable(Iso)),
  /** A supervisor who barged in: they write to the visitor too; the assigned agent still holds it. */
  joinedAgentId: Type.Optional(Nullable(Type.String())),
  /** The conversation this one was merged into (its thread shows this one's messages); absent when none. */
  mergedInto: Type.Optional(Type.String()),
  createdAt: Iso,
});
export type Conversation = Static<typeof Conversation>;

/** A stored message. `seq` orders it within its conversation; `echoId` is the sender's client id. */
export const Message = Type.Object({
  conversationId: Id,
  seq: Type.Integer({ minimum: 1 }),
  senderKind: SenderKind,
  senderId: Nullable(Type.String()),
  senderName: Nullable(Type.String()),
  echoId: Nullable(Type.String()),
  text: Type.String(),
  attachments: Type.Array(Attachment),
  createdAt: Iso,
  /** An agent's line on a channel other than web chat: where it is on its way to the customer. */
  deliveryStatus: Type.Optional(DeliveryStatus),
  /** Why it failed, with `deliveryStatus: failed`. */
  deliveryReason: Type.Optional(Type.String()),
  /** A bot's quick replies and card. */
  rich: Type.Optional(RichContent),
  /** Assist's live translation of the line (REST only; the agent socket sends `translation` frames). */
  translation: Type.Optional(MessageTranslation),
});
export type Message = Static<typeof Message>;

/** What a visitor may know of their own conversation. */
export const VisitorConversation = Type.Object({
  id: Id,
  status: ConversationStatus,
  agentName: Nullable(Type.String()),
  skillId: Nullable(Type.String()),
  /** 1-based place in the skill's queue while waiting (updated live), else null. */
  queuePosition: Nullable(Type.Integer()),
  lastSeq: Type.Integer(),
  /** What the visitor has read (their unread count survives a reload). */
  visitorReadSeq: Type.Integer(),
  /** What the agent side has read ("Seen" on the visitor's messages). */
  agentReadSeq: Type.Integer(),
  csatScore: Nullable(Type.Integer()),
});
export type VisitorConversation = Static<typeof VisitorConversation>;

/** A message as the visitor receives it: never a note, never an agent's internal id. */
export const VisitorMessage = Type.Object({
  conversationId: Id,
  seq: Type.Integer({ minimum: 1 }),
  senderKind: Type.Union([
    Type.Literal('visitor'),
    Type.Literal('agent'),
    Type.Literal('system'),
    Type.Literal('invitation'),
    Type.Literal('bot'),
  ]),
  senderName: Nullable(Type.String()),
  echoId: Nullable(Type.String()),
  text: Type.String(),
  attachments: Type.Array(Attachment),
  createdAt: Iso,
  /** A bot's quick replies and card. */
  rich: Type.Optional(RichContent),
});
export type VisitorMessage = Static<typeof VisitorMessage>;

/** The pre-chat form and the start of a conversation (REST or the `start` frame). */
export const ConversationStart = Type.Object(
  {
    visitorId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    source: Type.Optional(
      Type.Union([Type.Literal('invitation'), Type.Literal('button'), Type.Literal('visitor')]),
    ),
    exposureId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    skillId: Type.Optional(Id),
    name: Type.Optional(Type.String({ maxLength: 120 })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    /** Free topic; when it names a skill (case-insensitive) that skill takes the chat. */
    topic: Type.Optional(Type.String({ maxLength: 120 })),
    /** A first message, stored as the visitor's first line. */
    text: Type.Optional(MessageText),
    /** The widget's language: the lines the server writes to the visitor (“… joined the chat.”) use it. */
    language: Type.Optional(
      Type.Unsafe<WidgetLanguage>(Type.Union(WIDGET_LANGUAGES.map((code) => Type.Literal(code)))),
    ),
  },
  closed,
);
export type ConversationStart = Static<typeof ConversationStart>;

export const ConversationStarted = Type.Object({
  conversation: VisitorConversation,
  /** The visitor's conversation token: keep it (e.g. sessionStorage) to reconnect; it is shown once. */
  token: Type.String(),
});
export type ConversationStarted = Static<typeof ConversationStarted>;

export const OfflineMessageInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    email: Type.String({ format: 'email', maxLength: 254 }),
    message: MessageText,
    visitorId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    skillId: Type.Optional(Id),
    topic: Type.Optional(Type.String({ maxLength: 120 })),
  },
  closed,
);
export type OfflineMessageInput = Static<typeof OfflineMessageInput>;

export const CsatInput = Type.Object(
  {
    score: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  closed,
);
export type CsatInput = Static<typeof CsatInput>;

/** A send: text, attachments (uploaded first), or both. */
export const SendInput = Type.Object(
  {
    echoId: EchoId,
    text: MessageBody,
    attachmentIds: Type.Optional(AttachmentIds),
    afterSeq: Type.Optional(SentAfterSeq),
  },
  closed,
);
export type SendInput = Static<typeof SendInput>;

export const AgentSendInput = Type.Object(
  {
    echoId: EchoId,
    text: MessageBody,
    attachmentIds: Type.Optional(AttachmentIds),
    afterSeq: Type.Optional(SentAfterSeq),
    /** An internal note: stored and shown to agents, never delivered to the visitor. */
    note: Type.Optional(Type.Boolean()),
    /**
     * Live translation: send the reply in this language (the customer's); the agent's words stay
     * in the transcript. Refused (`translation_failed`, nothing sent) when it cannot be translated.
     */
    translateTo: Type.Optional(LanguageCode),
  },
  closed,
);
export type AgentSendInput = Static<typeof AgentSendInput>;

/** A read receipt over REST: everything up to `seq` has been read. */
export const ReadInput = Type.Object({ seq: Type.Integer({ minimum: 0, maximum: 2 ** 31 }) }, closed);
export type ReadInput = Static<typeof ReadInput>;

export const TransferInput = Type.Object(
  {
    agentId: Type.Optional(Id),
    skillId: Type.Optional(Id),
    /** Context for the next agent, stored as an internal note. */
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  closed,
);
export type TransferInput = Static<typeof TransferInput>;

export const CloseInput = Type.Object(
  {
    disposition: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 })),
  },
  closed,
);
export type CloseInput = Static<typeof CloseInput>;

/**
 * Sets where a conversation stands: `pending` (waiting on the customer), `snoozed` until a time
 * (from a minute to a year ahead), or `open` (clears both; reopens a resolved conversation into
 * its queue). Resolving is `close`.
 */
export const StateInput = Type.Object(
  {
    state: Type.Union([Type.Literal('open'), Type.Literal('pending'), Type.Literal('snoozed')]),
    until: Type.Optional(Iso),
  },
  closed,
);
export type StateInput = Static<typeof StateInput>;

/** Whether a skill can take a chat now (the widget shows a chat button or the offline form). */
export const ChatAvailability = Type.Object({
  skillId: Nullable(Type.String()),
  available: Type.Boolean(),
  agentsOnline: Type.Integer(),
  freeSlots: Type.Integer(),
  queueLength: Type.Integer(),
  /** Outside the skill's business hours: when it next opens (null: no opening ahead). */
  opensAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
});
export type ChatAvailability = Static<typeof ChatAvailability>;

/** One conversation waiting in a skill's queue. */
export const QueueEntry = Type.Object({
  conversationId: Id,
  skillId: Type.String(),
  position: Type.Integer(),
  status: Type.Union([Type.Literal('queued'), Type.Literal('offered')]),
  priority: Type.Number(),
  value: Type.Number(),
  enqueuedAt: Iso,
  visitorName: Nullable(Type.String()),
  /** The contact it is with, once known, so a queue shows the contact's name. */
  contactId: Nullable(Type.String()),
  visitorId: Nullable(Type.String()),
  /** Where the customer writes from, so a queue marks e-mail and in-app conversations. */
  channel: Channel,
  topic: Nullable(Type.String()),
});
export type QueueEntry = Static<typeof QueueEntry>;

/** History search (REST query string). */
export const ConversationListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    status: Type.Optional(ConversationStatus),
    state: Type.Optional(ConversationState),
    channel: Type.Optional(Channel),
    contactId: Type.Optional(Id),
    agentId: Type.Optional(Id),
    skillId: Type.Optional(Id),
    from: Type.Optional(Iso),
    to: Type.Optional(Iso),
    csatMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    csatMax: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  closed,
);
export type ConversationListQuery = Static<typeof ConversationListQuery>;

export const ConversationPage = Type.Object({
  items: Type.Array(Conversation),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: Nullable(Type.String()),
});
export type ConversationPage = Static<typeof ConversationPage>;

export const AfterSeqQuery = Type.Object(
  {
    afterSeq: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  closed,
);
export type AfterSeqQuery = Static<typeof AfterSeqQuery>;

export const ConversationWithMessages = Type.Object({
  conversation: Conversation,
  messages: Type.Array(Message),
});
export type ConversationWithMessages = Static<typeof ConversationWithMessages>;

export const SendResult = Type.Object({ message: Message, duplicate: Type.Boolean() });
export const VisitorSendResult = Type.Object({ message: VisitorMessage, duplicate: Type.Boolean() });
