import Type, { type Static, type TSchema } from 'typebox';
import { AgentStatus } from './api.ts';
import {
  ConversationSummary,
  LanguageCode,
  MessageTranslation,
  ModelState,
  Suggestion,
} from './assist-api.ts';
import {
  type AgentCallFrame,
  AgentCallFrames,
  type CallbackRequestFrame,
  type CallClientFrame,
  CallClientFrames,
  CallPeerMediaFrame,
  CallPeerSignalFrame,
  CallUpdateFrame,
  VisitorCallFrames,
} from './call-protocol.ts';
import {
  Conversation,
  ConversationStart,
  DeliveryStatus,
  EchoId,
  Message,
  MessageBody,
  QueueEntry,
  SentAfterSeq,
  VisitorConversation,
  VisitorMessage,
} from './chat-api.ts';
import { AttachmentIds } from './chat-attachments.ts';
import { lazyCompile, type SchemaCheck } from './lazy-validator.ts';
import { Mention } from './mentions-api.ts';
import { SlaBreachView } from './sla-api.ts';
import { CloseCode } from './visitor-protocol.ts';

/**
 * Frames of the two chat sockets: `/v1/chat` (a visitor, authenticated by the conversation
 * token) and `/v1/agent` (a console user, authenticated by the session cookie). JSON text frames,
 * each an object discriminated by `type`. Close codes are those of the visitor protocol, each after
 * an `error` frame saying why: 4400 a frame that cannot be read before authentication (after it, an
 * error frame only), 4401 no or invalid token or session (also when a console's session ends while
 * its socket is open), 4403 not allowed (an unknown site key or
 * an origin outside the site's allow-list on `start`, someone else's conversation, a console origin
 * or role refused), 4408 not authenticated in time or no answer to the server's pings, 4429 frames
 * kept coming after `rate_limited` errors, 1009 a frame over MAX_CHAT_FRAME_BYTES. Unacknowledged
 * sends may be resent after 4429 (with a pause) and 4408, never after 1009.
 */
export { CloseCode };

/** Largest chat frame, in bytes: a larger one closes the socket with 1009 (not resent by clients). */
export const MAX_CHAT_FRAME_BYTES = 32 * 1024;
/** A socket must authenticate (`hello` or `start`) within this long or is closed with 4408. */
export const CHAT_HELLO_TIMEOUT_MS = 10_000;

/** Codes carried by chat `error` frames. */
export const ChatErrorCode = {
  BadFrame: 'bad_frame',
  NotFound: 'not_found',
  Forbidden: 'forbidden',
  Closed: 'conversation_closed',
  NotAssigned: 'not_assigned',
  Capacity: 'capacity',
  Conflict: 'conflict',
  RateLimited: 'rate_limited',
  /** Before closing with 1009: the frame was over MAX_CHAT_FRAME_BYTES. */
  FrameTooLarge: 'frame_too_large',
  /** Before closing: the socket's first frame must be `hello` or `start`, in time. */
  HelloRequired: 'hello_required',
  /** Before closing with 4401: the conversation token is malformed, unknown or expired. */
  InvalidToken: 'invalid_chat_token',
  /**
   * Before closing a console socket with 4401: its sign-in session ended (signed out elsewhere, a new
   * password, two-factor turned on, a new role, or the account now requires two-factor).
   */
  SessionEnded: 'session_ended',
  /** Before closing with 4408: the socket could not be authenticated in time, or stopped answering pings. */
  Timeout: 'timeout',
  /** The server's store is briefly unreachable: nothing was done; send the same frame again shortly. */
  StoreUnavailable: 'store_unavailable',
  /** A reply to be sent translated was not sent: the translation failed (send it as written, or retry). */
  TranslationFailed: 'translation_failed',
  Internal: 'internal',
} as const;

const closed = { additionalProperties: false } as const;
const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Seq = Type.Integer({ minimum: 0, maximum: 2 ** 31 });
/** A client's request id, echoed in the `done` or `error` answer. */
const Ref = Type.Optional(Type.String({ maxLength: 64 }));
const frame = <T extends string, P extends Record<string, TSchema>>(type: T, props: P) =>
  Type.Object({ type: Type.Literal(type), ...props }, closed);

// ── visitor → server ────────────────────────────────────────────────────────────
export const ChatHelloFrame = frame('hello', {
  token: Type.String({ minLength: 10, maxLength: 128 }),
  afterSeq: Type.Optional(Seq),
});
export const ChatStartFrame = frame('start', {
  siteKey: Type.String({ minLength: 1, maxLength: 64 }),
  ...ConversationStart.properties,
});
export const VisitorSendFrame = frame('send', {
  echoId: EchoId,
  /** May be empty when `attachmentIds` names at least one upload. */
  text: MessageBody,
  attachmentIds: Type.Optional(AttachmentIds),
  afterSeq: Type.Optional(SentAfterSeq),
  conversationId: Type.Optional(Id),
});
export const VisitorResumeFrame = frame('resume', { afterSeq: Seq, conversationId: Type.Optional(Id) });
export const VisitorTypingFrame = frame('typing', {
  typing: Type.Boolean(),
  conversationId: Type.Optional(Id),
});
export const VisitorReadFrame = frame('read', { seq: Seq, conversationId: Type.Optional(Id) });
export const VisitorEndFrame = frame('end', { conversationId: Type.Optional(Id) });
export const VisitorCsatFrame = frame('csat', {
  score: Type.Integer({ minimum: 1, maximum: 5 }),
  comment: Type.Optional(Type.String({ maxLength: 1000 })),
  conversationId: Type.Optional(Id),
});
export const PingFrame = frame('ping', {});

export const VisitorClientFrame = Type.Union([
  ChatHelloFrame,
  ChatStartFrame,
  VisitorSendFrame,
  VisitorResumeFrame,
  VisitorTypingFrame,
  VisitorReadFrame,
  VisitorEndFrame,
  VisitorCsatFrame,
  PingFrame,
  ...CallClientFrames,
  ...VisitorCallFrames,
]);
export type VisitorClientFrame = Static<typeof VisitorClientFrame> | CallClientFrame | CallbackRequestFrame;

// ── agent → server ──────────────────────────────────────────────────────────────
export const AgentStatusFrame = frame('status', {
  status: Type.Union([Type.Literal('online'), Type.Literal('away')]),
  /** With `away`: one of the account's away reasons (Break, Meeting…). */
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  ref: Ref,
});
export const AgentAcceptFrame = frame('accept', { conversationId: Id, ref: Ref });
export const AgentDeclineFrame = frame('decline', { conversationId: Id, ref: Ref });
export const AgentSendFrame = frame('send', {
  conversationId: Id,
  echoId: EchoId,
  text: MessageBody,
  attachmentIds: Type.Optional(AttachmentIds),
  afterSeq: Type.Optional(SentAfterSeq),
  note: Type.Optional(Type.Boolean()),
  /**
   * Live translation: send the reply in this language (the customer's). The customer gets the
   * translation; the agent's words stay in the transcript. When translation fails the line is not
   * sent (an error frame, code `translation_failed`); sending again without it sends the words as written.
   */
  translateTo: Type.Optional(LanguageCode),
});
export const AgentResumeFrame = frame('resume', { conversationId: Id, afterSeq: Seq });
export const AgentWatchFrame = frame('watch', { conversationId: Id, afterSeq: Type.Optional(Seq), ref: Ref });
export const AgentUnwatchFrame = frame('unwatch', { conversationId: Id });
export const AgentTypingFrame = frame('typing', {
  conversationId: Id,
  typing: Type.Boolean(),
  /** Typing an internal note: colleagues see it, the visitor does not. */
  note: Type.Optional(Type.Boolean()),
});
/** The console shows this conversation (true) or no longer does (false): colleagues see who is looking. */
export const AgentViewingFrame = frame('viewing', { conversationId: Id, viewing: Type.Boolean() });
export const AgentReadFrame = frame('read', { conversationId: Id, seq: Seq });
export const AgentTransferFrame = frame('transfer', {
  conversationId: Id,
  agentId: Type.Optional(Id),
  skillId: Type.Optional(Id),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
  ref: Ref,
});
export const AgentCloseFrame = frame('close', {
  conversationId: Id,
  disposition: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 })),
  ref: Ref,
});

/** A supervisor (owner or admin) joins a live chat as a second agent: the visitor sees them join. */
export const AgentJoinFrame = frame('join', { conversationId: Id, ref: Ref });
/** The supervisor who joined leaves the chat; its agent carries on. */
export const AgentLeaveFrame = frame('leave', { conversationId: Id, ref: Ref });

export const AgentClientFrame = Type.Union([
  AgentStatusFrame,
  AgentAcceptFrame,
  AgentDeclineFrame,
  AgentSendFrame,
  AgentResumeFrame,
  AgentWatchFrame,
  AgentUnwatchFrame,
  AgentTypingFrame,
  AgentViewingFrame,
  AgentReadFrame,
  AgentTransferFrame,
  AgentCloseFrame,
  AgentJoinFrame,
  AgentLeaveFrame,
  PingFrame,
  ...CallClientFrames,
  ...AgentCallFrames,
]);
export type AgentClientFrame = Static<typeof AgentClientFrame> | AgentCallFrame;

// ── server → client (both sockets) ─────────────────────────────────────────────
export const ChatAckFrame = frame('ack', {
  echoId: EchoId,
  conversationId: Id,
  seq: Type.Integer({ minimum: 1 }),
  createdAt: Type.String(),
  /** True when this echoId was stored before (a retry): the original is kept. */
  duplicate: Type.Boolean(),
  /** An agent's line on another channel than web chat: `queued` in the outbox. */
  deliveryStatus: Type.Optional(DeliveryStatus),
  /** The line as stored, when that is not what was sent (a card number masked): the sender shows this. */
  text: Type.Optional(Type.String()),
});
export const ChatTypingFrame = frame('typing', {
  conversationId: Id,
  from: Type.Union([Type.Literal('visitor'), Type.Literal('agent')]),
  name: Type.Optional(Type.String()),
  typing: Type.Boolean(),
  /** To consoles: the agent who is typing. */
  agentId: Type.Optional(Type.String()),
  /** To consoles: an internal note, not a reply. */
  note: Type.Optional(Type.Boolean()),
});
export const ChatReadFrame = frame('read', {
  conversationId: Id,
  by: Type.Union([Type.Literal('visitor'), Type.Literal('agent')]),
  seq: Seq,
});
export const ChatErrorFrame = frame('error', {
  code: Type.String(),
  message: Type.String(),
  echoId: Type.Optional(Type.String()),
  conversationId: Type.Optional(Type.String()),
  ref: Ref,
});
export const PongFrame = frame('pong', {});

// ── server → visitor ────────────────────────────────────────────────────────────
export const VisitorWelcomeFrame = frame('welcome', {
  conversation: VisitorConversation,
  /** Present only after `start`: the token to reconnect with. */
  token: Type.Optional(Type.String()),
  /** The site records its calls: the widget says so before a call starts. */
  callsRecorded: Type.Optional(Type.Boolean()),
});
export const VisitorMessageFrame = frame('message', { message: VisitorMessage });
export const VisitorConversationFrame = frame('conversation', { conversation: VisitorConversation });

export const VisitorServerFrame = Type.Union([
  VisitorWelcomeFrame,
  ChatAckFrame,
  VisitorMessageFrame,
  VisitorConversationFrame,
  ChatTypingFrame,
  ChatReadFrame,
  ChatErrorFrame,
  PongFrame,
  CallUpdateFrame,
  CallPeerSignalFrame,
  CallPeerMediaFrame,
]);
export type VisitorServerFrame = Static<typeof VisitorServerFrame>;

// ── server → agent ──────────────────────────────────────────────────────────────
export const AgentProfile = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  status: AgentStatus,
  capacity: Type.Integer(),
  skillIds: Type.Array(Type.String()),
  /** Why the status is what it is when the agent did not choose it (`missed_offers`: set away by routing). */
  statusReason: Type.Optional(Type.String()),
  /** With `missed_offers`: how many offers in a row went unanswered. */
  missedOffers: Type.Optional(Type.Integer()),
  /** Away for a reason the agent picked (one of the account's away reasons). */
  awayReason: Type.Optional(Type.String()),
});
export const AgentReadyFrame = frame('ready', {
  agent: AgentProfile,
  /** Conversations assigned to this agent and offers pending for them. */
  conversations: Type.Array(Conversation),
});
export const AgentOfferFrame = frame('offer', { conversation: Conversation, expiresAt: Type.String() });
export const AgentOfferRevokedFrame = frame('offer_revoked', {
  conversationId: Id,
  reason: Type.Union([Type.Literal('declined'), Type.Literal('timeout'), Type.Literal('taken')]),
});
export const AgentAssignedFrame = frame('assigned', { conversation: Conversation });
export const AgentUnassignedFrame = frame('unassigned', {
  conversationId: Id,
  /** `consult_ended`: a warm transfer of the chat's phone call that consulted this agent ended without them. */
  reason: Type.Union([
    Type.Literal('transferred'),
    Type.Literal('reassigned'),
    Type.Literal('consult_ended'),
  ]),
});
export const AgentQueueFrame = frame('queue', { items: Type.Array(QueueEntry) });
export const AgentConversationFrame = frame('conversation', { conversation: Conversation });
export const AgentMessageFrame = frame('message', { message: Message });
export const AgentStatusChangedFrame = frame('status', {
  status: AgentStatus,
  /** Set when the agent did not choose it: `missed_offers` when routing set them away. */
  reason: Type.Optional(Type.String()),
  /** With `missed_offers`: how many offers in a row went unanswered. */
  missedOffers: Type.Optional(Type.Integer()),
  /** Away for a reason the agent picked. */
  awayReason: Type.Optional(Type.String()),
});
/** An agent's line on another channel than web chat moved on its way to the customer. */
export const AgentDeliveryFrame = frame('delivery', {
  conversationId: Id,
  seq: Seq,
  status: DeliveryStatus,
  /** Why it failed, with `status: failed`. */
  reason: Type.Optional(Type.String()),
});
/** A conversation missed a service level: to owners and admins, and to the agent who holds it. */
export const AgentSlaBreachFrame = frame('sla_breach', { breach: SlaBreachView });
/** Who is looking at a conversation the console follows, on any node (the console itself included). */
export const AgentViewersFrame = frame('viewers', {
  conversationId: Id,
  agents: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
});
/** A reply or note reminder of a conversation the console follows was scheduled, changed or cancelled (send later). */
export const AgentScheduledChangedFrame = frame('scheduled_changed', { conversationId: Id });
/** A colleague's internal note named this agent (`@Name`). */
export const AgentMentionFrame = frame('mention', { mention: Mention });
/**
 * Assist: the suggestions for a customer's line (search, no model), to the agent who holds the
 * conversation; `model` says whether the model's one follows (`writing`) or why it will not.
 */
export const AgentSuggestionsFrame = frame('suggestions', {
  conversationId: Id,
  /** The customer's line they answer. */
  seq: Seq,
  items: Type.Array(Suggestion),
  model: ModelState,
});
/** Assist: the model's suggestion as it streams (`text` so far); a last frame says `done` or why it stopped. */
export const AgentSuggestionStreamFrame = frame('suggestion_stream', {
  conversationId: Id,
  seq: Seq,
  text: Type.String(),
  state: ModelState,
  articleIds: Type.Optional(Type.Array(Type.String())),
});
/** Assist: a conversation's summary was written (on transfer or close) or edited. */
export const AgentSummaryFrame = frame('summary', { conversationId: Id, summary: ConversationSummary });
/**
 * Assist's live translation of one line, to the agent who holds the conversation: a customer's
 * line in the agent's language (or why there is none), or the words of the agent's translated reply.
 */
export const AgentTranslationFrame = frame('translation', {
  conversationId: Id,
  seq: Seq,
  translation: MessageTranslation,
  /** The customer's language as now known (null when no line was recognised yet). */
  customerLanguage: Type.Union([LanguageCode, Type.Null()]),
});
export const DoneFrame = frame('done', { ref: Type.String() });

export const AgentServerFrame = Type.Union([
  AgentReadyFrame,
  AgentOfferFrame,
  AgentOfferRevokedFrame,
  AgentAssignedFrame,
  AgentUnassignedFrame,
  AgentQueueFrame,
  AgentConversationFrame,
  AgentMessageFrame,
  ChatAckFrame,
  ChatTypingFrame,
  ChatReadFrame,
  AgentStatusChangedFrame,
  AgentDeliveryFrame,
  AgentSlaBreachFrame,
  AgentMentionFrame,
  AgentViewersFrame,
  AgentScheduledChangedFrame,
  AgentSuggestionsFrame,
  AgentSuggestionStreamFrame,
  AgentSummaryFrame,
  AgentTranslationFrame,
  DoneFrame,
  ChatErrorFrame,
  PongFrame,
  CallUpdateFrame,
  CallPeerSignalFrame,
  CallPeerMediaFrame,
]);
export type AgentServerFrame = Static<typeof AgentServerFrame>;

export type ChatAckFrame = Static<typeof ChatAckFrame>;
export type ChatErrorFrame = Static<typeof ChatErrorFrame>;
export type ChatTypingFrame = Static<typeof ChatTypingFrame>;
export type ChatReadFrame = Static<typeof ChatReadFrame>;
export type AgentProfile = Static<typeof AgentProfile>;
export type AgentOfferFrame = Static<typeof AgentOfferFrame>;
export type AgentQueueFrame = Static<typeof AgentQueueFrame>;
export type AgentDeliveryFrame = Static<typeof AgentDeliveryFrame>;

type Validator = SchemaCheck;

/** One compiled validator per frame type: a frame is checked against its own schema only. */
function validatorsByType(union: TSchema): Map<string, Validator> {
  const map = new Map<string, Validator>();
  for (const member of (union as { anyOf: TSchema[] }).anyOf) {
    const literal = (member as { properties: { type: { const: string } } }).properties.type.const;
    map.set(literal, lazyCompile(member));
  }
  return map;
}

const visitorClient = validatorsByType(VisitorClientFrame);
const agentClient = validatorsByType(AgentClientFrame);
const visitorServer = lazyCompile(VisitorServerFrame as TSchema);
const agentServer = lazyCompile(AgentServerFrame as TSchema);

/** A parsed frame, or why not — with the frame's `echoId`/`ref` when it had them, so the error can name it. */
export type ParsedFrame<T> =
  | { ok: true; frame: T }
  | { ok: false; message: string; echoId?: string; ref?: string };

function idsOf(value: unknown): { echoId?: string; ref?: string } {
  if (typeof value !== 'object' || value === null) return {};
  const { echoId, ref } = value as { echoId?: unknown; ref?: unknown };
  const ok = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 64;
  return { ...(ok(echoId) ? { echoId: echoId as string } : {}), ...(ok(ref) ? { ref: ref as string } : {}) };
}

function parseWith<T>(validators: Map<string, Validator>, raw: string): ParsedFrame<T> {
  if (raw.length > MAX_CHAT_FRAME_BYTES)
    return { ok: false, message: `frame exceeds ${MAX_CHAT_FRAME_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, message: 'frame is not valid JSON' };
  }
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  const check = typeof type === 'string' ? validators.get(type) : undefined;
  if (!check) {
    return {
      ok: false,
      message: `unknown frame type; expected one of: ${[...validators.keys()].join(', ')}`,
      ...idsOf(value),
    };
  }
  if (check.Check(value)) return { ok: true, frame: value as T };
  const first = check.Errors(value)[0];
  const message = first ? `${first.instancePath || '/'}: ${first.message}`.slice(0, 200) : 'invalid frame';
  return { ok: false, message, ...idsOf(value) };
}

/** Parses and validates a raw visitor frame; never throws. */
export const parseVisitorFrame = (raw: string) => parseWith<VisitorClientFrame>(visitorClient, raw);
/** Parses and validates a raw agent frame; never throws. */
export const parseAgentFrame = (raw: string) => parseWith<AgentClientFrame>(agentClient, raw);
/** Type guard for a server→visitor frame (SDK and tests). */
export const isVisitorServerFrame = (v: unknown): v is VisitorServerFrame => visitorServer.Check(v);
/** Type guard for a server→agent frame (SDK and tests). */
export const isAgentServerFrame = (v: unknown): v is AgentServerFrame => agentServer.Check(v);
