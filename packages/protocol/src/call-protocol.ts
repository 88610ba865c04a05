import Type, { type Static, type TSchema } from 'typebox';

/**
 * Voice calls ride the two chat sockets. Signalling (SDP offers and answers, ICE candidates) is
 * relayed, never stored; call state (`call` frames) is stored and shown to both sides. A frame
 * naming a call the sender has no part in closes the socket with 4403.
 */

/** Largest SDP accepted in a `call_signal` frame (characters); audio-only SDP is ~2–4 KB. */
export const MAX_SDP_CHARS = 16 * 1024;
/** Largest ICE candidate line accepted (characters). */
export const MAX_CANDIDATE_CHARS = 1024;

/** Codes of `error` frames about calls. */
export const CallErrorCode = {
  /** The call is over or rings someone else now. */
  CallGone: 'call_gone',
  /** A call is already running in this conversation. */
  CallBusy: 'call_busy',
  /** Too many calls asked for in a short time. */
  RateLimited: 'rate_limited',
  /** No agent who takes calls is free for this conversation's skill. */
  NoAgent: 'no_agent_for_calls',
  SdpTooLarge: 'sdp_too_large',
} as const;

const closed = { additionalProperties: false } as const;
const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Ref = Type.Optional(Type.String({ maxLength: 64 }));
const frame = <T extends string, P extends Record<string, TSchema>>(type: T, props: P) =>
  Type.Object({ type: Type.Literal(type), ...props }, closed);

export const CallState = Type.Union([
  Type.Literal('ringing'),
  Type.Literal('inviting'),
  Type.Literal('active'),
  Type.Literal('held'),
  Type.Literal('ended'),
]);
export type CallState = Static<typeof CallState>;

/** Why a call ended. */
export const CallEndReason = Type.Union([
  Type.Literal('hangup'),
  Type.Literal('declined'),
  Type.Literal('unanswered'),
  Type.Literal('no_agent'),
  Type.Literal('microphone_denied'),
  Type.Literal('network_lost'),
  Type.Literal('conversation_closed'),
  /** A dialled phone was busy (SIP 486 or 600). */
  Type.Literal('busy'),
  /** A dialled phone rang and nobody answered (SIP 408, 480 or 487, or the ring timed out). */
  Type.Literal('no_answer'),
]);
export type CallEndReason = Static<typeof CallEndReason>;

/** A call as both sides see it. */
export const CallView = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  state: CallState,
  startedBy: Type.Union([Type.Literal('visitor'), Type.Literal('agent')]),
  agentId: Type.Union([Type.String(), Type.Null()]),
  agentName: Type.Union([Type.String(), Type.Null()]),
  ringingAgentId: Type.Union([Type.String(), Type.Null()]),
  /** When the ring of the current agent gives up (ISO). */
  ringUntil: Type.Union([Type.String(), Type.Null()]),
  /** Grows each time an agent joins: a new peer connection, offered by the agent's console. */
  leg: Type.Integer(),
  requestedAt: Type.String(),
  answeredAt: Type.Union([Type.String(), Type.Null()]),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  endedBy: Type.Union([Type.String(), Type.Null()]),
  endReason: Type.Union([Type.String(), Type.Null()]),
  talkMs: Type.Union([Type.Integer(), Type.Null()]),
  waitMs: Type.Union([Type.Integer(), Type.Null()]),
  /** The site records its calls: both sides show it, and the agent's console records the audio. */
  recorded: Type.Boolean(),
  /**
   * A call on the telephone network (docs/phone.md): the other party's number and the call's
   * direction. The gateway makes the offer of an inbound call; the console answers it.
   */
  phone: Type.Optional(
    Type.Object({
      number: Type.String(),
      direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
    }),
  ),
  /**
   * A warm transfer of a phone call in progress: the agent who hands it over keeps the caller on
   * hold and talks to the next agent (`agentId` once they answer) until they complete or cancel it.
   */
  warm: Type.Optional(
    Type.Object({ fromId: Type.String(), fromName: Type.Union([Type.String(), Type.Null()]) }),
  ),
});
export type CallView = Static<typeof CallView>;

/** A STUN or TURN server for `RTCPeerConnection` (TURN with time-limited credentials). */
export const IceServer = Type.Object({
  urls: Type.Union([Type.String(), Type.Array(Type.String())]),
  username: Type.Optional(Type.String()),
  credential: Type.Optional(Type.String()),
});
export type IceServer = Static<typeof IceServer>;

const Sdp = Type.Object(
  {
    type: Type.Union([Type.Literal('offer'), Type.Literal('answer')]),
    sdp: Type.String({ maxLength: MAX_SDP_CHARS }),
  },
  closed,
);
const Candidate = Type.Object(
  {
    candidate: Type.String({ maxLength: MAX_CANDIDATE_CHARS }),
    sdpMid: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    sdpMLineIndex: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 64 }), Type.Null()])),
    usernameFragment: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
  },
  closed,
);
const Signal = {
  callId: Id,
  leg: Type.Integer({ minimum: 0, maximum: 10_000 }),
  description: Type.Optional(Sdp),
  candidate: Type.Optional(Candidate),
};

// ── either side → server ───────────────────────────────────────────────────────
/** Asks for a call in the conversation (a visitor: any agent who takes calls; an agent: the visitor). */
export const CallStartFrame = frame('call_start', { conversationId: Type.Optional(Id), ref: Ref });
/** Consents to a call: the agent answers a ringing call, the visitor accepts an agent's invitation. */
export const CallAcceptFrame = frame('call_accept', { callId: Id, ref: Ref });
export const CallDeclineFrame = frame('call_decline', { callId: Id, ref: Ref });
export const CallHangupFrame = frame('call_hangup', { callId: Id, ref: Ref });
/** The sender's side could not go on (no microphone, the network could not be restored). */
export const CallFailedFrame = frame('call_failed', {
  callId: Id,
  reason: Type.Union([Type.Literal('microphone_denied'), Type.Literal('network_lost')]),
  ref: Ref,
});
export const CallSignalFrame = frame('call_signal', Signal);
/** The sender muted or unmuted their microphone (shown to the other side). */
export const CallMuteFrame = frame('call_mute', { callId: Id, muted: Type.Boolean() });
// ── agent → server ─────────────────────────────────────────────────────────────
export const CallHoldFrame = frame('call_hold', { callId: Id, held: Type.Boolean(), ref: Ref });
export const CallTransferFrame = frame('call_transfer', {
  callId: Id,
  agentId: Type.Optional(Id),
  skillId: Type.Optional(Id),
  /** A phone call only: talk to the next agent first, the caller on hold, then complete or cancel. */
  warm: Type.Optional(Type.Boolean()),
  ref: Ref,
});
/** The agent who started a warm transfer hands the caller over (`complete`) or takes them back (`cancel`). */
export const CallWarmFrame = frame('call_warm', {
  callId: Id,
  action: Type.Union([Type.Literal('complete'), Type.Literal('cancel')]),
  ref: Ref,
});

/** Call frames both sockets accept. */
export const CallClientFrames = [
  CallStartFrame,
  CallAcceptFrame,
  CallDeclineFrame,
  CallHangupFrame,
  CallFailedFrame,
  CallSignalFrame,
  CallMuteFrame,
] as const;
/** The phone pattern a callback accepts: digits with the usual separators, an optional leading +. */
const CallbackPhone = Type.String({ minLength: 6, maxLength: 24, pattern: '^\\+?[0-9][0-9 ()./-]{4,22}$' });
/** The visitor asks to be called back on their phone, at a time in their window. */
export const CallbackRequestFrame = frame('callback_request', {
  phone: CallbackPhone,
  windowStart: Type.String({ format: 'date-time', maxLength: 40 }),
  windowEnd: Type.String({ format: 'date-time', maxLength: 40 }),
  topic: Type.Optional(Type.String({ maxLength: 200 })),
  ref: Ref,
});
/**
 * A "Call me back" from the page, with no chat before it (`POST /api/v1/chat/callback`, site key):
 * the button of a `callback` engagement (`exposureId`), or the offline flow of a closed skill.
 */
export const PageCallbackInput = Type.Object(
  {
    phone: CallbackPhone,
    windowStart: Type.String({ format: 'date-time', maxLength: 40 }),
    windowEnd: Type.String({ format: 'date-time', maxLength: 40 }),
    topic: Type.Optional(Type.String({ maxLength: 200 })),
    name: Type.Optional(Type.String({ maxLength: 120 })),
    visitorId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    skillId: Type.Optional(Id),
    exposureId: Type.Optional(Id),
  },
  closed,
);
export type PageCallbackInput = Static<typeof PageCallbackInput>;
/** Frames only the visitor socket accepts. */
export const VisitorCallFrames = [CallbackRequestFrame] as const;
export type CallbackRequestFrame = Static<typeof CallbackRequestFrame>;

/** How an agent's callback went; `rescheduled` puts it back in the queue at a new time. */
export const CallbackOutcome = Type.Union([
  Type.Literal('reached'),
  Type.Literal('no_answer'),
  Type.Literal('wrong_number'),
  Type.Literal('rescheduled'),
]);
export type CallbackOutcome = Static<typeof CallbackOutcome>;
export const CallbackOutcomeInput = Type.Object(
  {
    outcome: CallbackOutcome,
    rescheduleAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
  },
  closed,
);
/** A callback as the agent's console shows it. */
export const CallbackView = Type.Object({
  id: Type.String(),
  phone: Type.String(),
  topic: Type.Union([Type.String(), Type.Null()]),
  windowStart: Type.String(),
  windowEnd: Type.String(),
  status: Type.String(),
  outcome: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Integer(),
  /** When it enters the queue (the window's start, or the time it was rescheduled to). */
  dueAt: Type.Optional(Type.String()),
  /** The conversation an agent works it in, once it is due. */
  taskConversationId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** How the last call placed in the task ended (`busy`, `no_answer`, `hangup`…); null while none ended. */
  lastCall: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type CallbackView = Static<typeof CallbackView>;
/** `GET /api/v1/callbacks`: `scheduled` (not due yet), `queued` (due, in a queue or with an agent), `done`. */
export const CallbackListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([
        Type.Literal('scheduled'),
        Type.Literal('queued'),
        Type.Literal('done'),
        Type.Literal('open'),
      ]),
    ),
  },
  closed,
);
export const CallbackList = Type.Object({ callbacks: Type.Array(CallbackView) });

/** Call frames only the agent socket accepts. */
export const AgentCallFrames = [CallHoldFrame, CallTransferFrame, CallWarmFrame] as const;

export type CallClientFrame =
  | Static<typeof CallStartFrame>
  | Static<typeof CallAcceptFrame>
  | Static<typeof CallDeclineFrame>
  | Static<typeof CallHangupFrame>
  | Static<typeof CallFailedFrame>
  | Static<typeof CallSignalFrame>
  | Static<typeof CallMuteFrame>;
export type AgentCallFrame =
  | CallClientFrame
  | Static<typeof CallHoldFrame>
  | Static<typeof CallTransferFrame>
  | Static<typeof CallWarmFrame>;
export type CallSignalFrame = Static<typeof CallSignalFrame>;

// ── server → both ─────────────────────────────────────────────────────────────
/** A call's state changed; `iceServers` come with the states in which media may flow. */
export const CallUpdateFrame = frame('call', {
  call: CallView,
  iceServers: Type.Optional(Type.Array(IceServer)),
  /** Agent socket: the conversation a ringing call belongs to (the visitor's context). */
  conversation: Type.Optional(Type.Unknown()),
});
/** Signalling from the other side, relayed as sent. */
export const CallPeerSignalFrame = frame('call_signal', {
  ...Signal,
  from: Type.Union([Type.Literal('visitor'), Type.Literal('agent')]),
});
/** The other side muted or unmuted, or the agent put the call on hold. */
export const CallPeerMediaFrame = frame('call_media', {
  callId: Id,
  from: Type.Union([Type.Literal('visitor'), Type.Literal('agent')]),
  muted: Type.Boolean(),
});
export type CallUpdateFrame = Static<typeof CallUpdateFrame>;
export type CallPeerSignalFrame = Static<typeof CallPeerSignalFrame>;
export type CallPeerMediaFrame = Static<typeof CallPeerMediaFrame>;

/** An agent's voice settings (`/api/v1/me/voice`). */
export const VoiceSettings = Type.Object(
  {
    /** Calls ring this agent. */
    takesCalls: Type.Boolean(),
    /** Chats are still offered while this agent is on a call. */
    chatsDuringCalls: Type.Boolean(),
  },
  closed,
);
export type VoiceSettings = Static<typeof VoiceSettings>;
/** A change of some of an agent's voice settings. */
export const VoiceSettingsPatch = Type.Object(
  { takesCalls: Type.Optional(Type.Boolean()), chatsDuringCalls: Type.Optional(Type.Boolean()) },
  closed,
);

/** A call's recording: chunks uploaded by the agent's console, then an attachment of the conversation. */
export const RecordingView = Type.Object({
  id: Type.String(),
  callId: Type.String(),
  conversationId: Type.String(),
  status: Type.Union([Type.Literal('recording'), Type.Literal('complete')]),
  chunks: Type.Integer(),
  size: Type.Integer({ description: 'Bytes stored so far' }),
  startedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  attachment: Type.Union([
    Type.Object({
      id: Type.String(),
      contentType: Type.String(),
      size: Type.Integer(),
      url: Type.String({ description: 'The agent-side URL of the audio/webm file' }),
    }),
    Type.Null(),
  ]),
});
export type RecordingView = Static<typeof RecordingView>;
