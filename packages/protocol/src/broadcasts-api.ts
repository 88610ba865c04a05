import Type, { type Static } from 'typebox';
import { Estimate, LiftVerdict } from './reports-api.ts';

/** Broadcasts: one message to a segment, on each contact's preferred channel (see docs/broadcasts.md). */

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);
const closed = { additionalProperties: false };

export const BROADCAST_CHANNELS = ['whatsapp', 'sms', 'email', 'app', 'push'] as const;
export type BroadcastChannel = (typeof BROADCAST_CHANNELS)[number];

/**
 * Texts may name the contact's values: `{{name}}`, `{{email}}`, `{{phone}}`, `{{attributes.plan}}`;
 * `{{name|there}}` sends "there" when the contact has no name. Without a fallback, a contact
 * without the value is skipped, with the reason.
 */
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Variables = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }), Text(1024), {
  maxProperties: 60,
});

export const BroadcastContent = Type.Object(
  {
    whatsapp: Type.Optional(
      Type.Object(
        {
          connectionId: Type.String({ minLength: 1, maxLength: 64 }),
          template: Type.Object(
            {
              name: Text(512),
              language: Type.String({ minLength: 2, maxLength: 15 }),
              /** A text per template variable, by part; each may name the contact's values. */
              variables: Type.Optional(
                Type.Object({ header: Type.Optional(Variables), body: Type.Optional(Variables) }, closed),
              ),
            },
            closed,
          ),
        },
        closed,
      ),
    ),
    sms: Type.Optional(
      Type.Object({ connectionId: Type.String({ minLength: 1, maxLength: 64 }), text: Text(1600) }, closed),
    ),
    email: Type.Optional(
      Type.Object({ subject: Text(200), text: Text(100_000), html: Type.Optional(Text(200_000)) }, closed),
    ),
    /** An in-app message: it waits in the conversation of the site's app, shown when the user is in it. */
    app: Type.Optional(
      Type.Object({ siteId: Type.String({ minLength: 1, maxLength: 64 }), text: Text(4000) }, closed),
    ),
    /** A push notification to the user's devices of the site's app; the text also waits in the app. */
    push: Type.Optional(
      Type.Object(
        { siteId: Type.String({ minLength: 1, maxLength: 64 }), title: Text(100), text: Text(1000) },
        closed,
      ),
    ),
  },
  closed,
);
export type BroadcastContent = Static<typeof BroadcastContent>;

const ChannelOrder = Type.Array(
  Type.Union([
    Type.Literal('whatsapp'),
    Type.Literal('sms'),
    Type.Literal('email'),
    Type.Literal('app'),
    Type.Literal('push'),
  ]),
  {
    minItems: 1,
    maxItems: BROADCAST_CHANNELS.length,
    uniqueItems: true,
  },
);

/** The fields of a broadcast a caller writes, without defaults (a change leaves out what it keeps). */
const fields = {
  name: Type.String({ minLength: 1, maxLength: 120 }),
  segmentId: Type.String({ minLength: 1, maxLength: 64 }),
  /** Each contact gets the first of these they can be reached on with consent. */
  channels: ChannelOrder,
  content: BroadcastContent,
  /** The skill a reply's conversation joins; default: the channel's. */
  skillId: Nullable(Type.String({ maxLength: 64 })),
  /** Send at `sendAt`'s wall-clock time (in the account's zone) in each contact's own zone. */
  localTime: Type.Boolean(),
  /** The share of the segment kept out of the send and recorded, to measure against. */
  holdoutPercent: Type.Integer({ minimum: 0, maximum: 50 }),
  /** Days after a contact is reached in which their conversion counts for the broadcast (default 7, as campaigns'). */
  attributionWindowDays: Type.Integer({ minimum: 1, maximum: 31 }),
  /** `draft` keeps it unsent until it is changed; `scheduled` sends it at its time. */
  status: Type.Union([Type.Literal('draft'), Type.Literal('scheduled')]),
};

export const BroadcastBody = Type.Object(
  {
    name: fields.name,
    segmentId: fields.segmentId,
    channels: fields.channels,
    content: fields.content,
    skillId: Type.Optional(fields.skillId),
    /** When it goes out; absent: now. */
    sendAt: Type.Optional(Iso),
    localTime: Type.Optional(fields.localTime),
    holdoutPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 50, default: 10 })),
    attributionWindowDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 31, default: 7 })),
    /** Default `scheduled`. */
    status: Type.Optional(fields.status),
  },
  closed,
);
export type BroadcastBody = Static<typeof BroadcastBody>;

/**
 * A change to a draft or a scheduled broadcast that has not started. Fields left out keep theirs;
 * `content` replaces the whole content. `sendAt: null` sends it now; left out, it keeps its time
 * (a time that has passed means now).
 */
export const BroadcastPatch = Type.Object(
  {
    name: Type.Optional(fields.name),
    segmentId: Type.Optional(fields.segmentId),
    channels: Type.Optional(fields.channels),
    content: Type.Optional(fields.content),
    skillId: Type.Optional(fields.skillId),
    sendAt: Type.Optional(Nullable(Iso)),
    localTime: Type.Optional(fields.localTime),
    holdoutPercent: Type.Optional(fields.holdoutPercent),
    attributionWindowDays: Type.Optional(fields.attributionWindowDays),
    status: Type.Optional(fields.status),
  },
  { ...closed, minProperties: 1 },
);
export type BroadcastPatch = Static<typeof BroadcastPatch>;

const Counts = {
  /** Every member of the segment the sender reached. */
  targeted: Type.Integer(),
  heldOut: Type.Integer(),
  /** Handed to the outbox (all that went on from there, too). */
  queued: Type.Integer(),
  /** Taken by the provider (and further). */
  sent: Type.Integer(),
  delivered: Type.Integer(),
  read: Type.Integer(),
  failed: Type.Integer(),
  /**
   * Messages in doubt: their node stopped (or the provider did not answer) during the request, so
   * the provider may or may not have them. Never sent again: a broadcast sends nobody twice.
   */
  inDoubt: Type.Integer(),
  /**
   * Messages still waiting for their time (a time zone, quiet hours, the throughput) when the
   * broadcast was cancelled: never sent, and not counted as failed.
   */
  withdrawn: Type.Integer(),
  /** Recipients of the send arm who opened a tracked link of their message (the first click counts). */
  clicked: Type.Integer(),
  /** Recipients of the send arm who answered in the broadcast's conversation. */
  replied: Type.Integer(),
  skipped: Type.Integer(),
};

export const BroadcastFunnel = Type.Object({
  ...Counts,
  /** Skipped contacts by reason. */
  skippedBy: Type.Record(Type.String(), Type.Integer()),
  /** The send arm's counts per channel. */
  byChannel: Type.Record(
    Type.String(),
    Type.Object({
      queued: Counts.queued,
      sent: Counts.sent,
      delivered: Counts.delivered,
      read: Counts.read,
      failed: Counts.failed,
      inDoubt: Counts.inDoubt,
      withdrawn: Counts.withdrawn,
      clicked: Counts.clicked,
      replied: Counts.replied,
    }),
  ),
});
export type BroadcastFunnel = Static<typeof BroadcastFunnel>;

export const BroadcastStatusSchema = Type.Union([
  Type.Literal('draft'),
  Type.Literal('scheduled'),
  Type.Literal('sending'),
  Type.Literal('sent'),
  Type.Literal('cancelled'),
]);

/** One side of the holdout: its contacts, those who converted in the window, and their money. */
export const BroadcastArm = Type.Object({
  contacts: Type.Integer(),
  /** Contacts with at least one conversion in the window. */
  converted: Type.Integer(),
  /** Conversions in the window, each order once. */
  conversions: Type.Integer(),
  /** converted / contacts (0 without contacts). */
  conversionRate: Type.Number(),
  revenue: Type.Number(),
  /** revenue / contacts, counting contacts who bought nothing. */
  revenuePerContact: Type.Number(),
});
export type BroadcastArm = Static<typeof BroadcastArm>;

/**
 * The send arm against the holdout, intention to treat: every contact of the send arm, reached or
 * skipped, against every held-out one (see docs/broadcasts.md). Same statistics as the campaign lift.
 */
export const BroadcastLift = Type.Object({
  attributionWindowDays: Type.Integer(),
  /** ISO 4217 code of the revenue: the account's latest purchase's; empty before any purchase. */
  currency: Type.String(),
  send: BroadcastArm,
  holdout: BroadcastArm,
  absoluteLift: Estimate,
  relativeLift: Estimate,
  pValue: Type.Number(),
  significant: Type.Boolean(),
  enoughData: Type.Boolean(),
  verdict: LiftVerdict,
  /**
   * Revenue per contact, send arm minus holdout: Welch's t interval over each contact's revenue in
   * the window, zeros counted. Null estimate and interval while an arm is empty; null interval
   * while an arm has fewer than two contacts.
   */
  revenue: Type.Object({
    difference: Estimate,
    pValue: Nullable(Type.Number()),
    significant: Type.Boolean(),
  }),
});
export type BroadcastLift = Static<typeof BroadcastLift>;

export const BroadcastView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  segmentId: Type.String(),
  /** The segment's filter as the send read it. */
  filter: Type.Unsafe<unknown>({ type: 'object', additionalProperties: true }),
  channels: Type.Array(Type.String()),
  content: BroadcastContent,
  skillId: Nullable(Type.String()),
  holdoutPercent: Type.Integer(),
  localTime: Type.Boolean(),
  attributionWindowDays: Type.Integer(),
  status: BroadcastStatusSchema,
  sendAt: Iso,
  startedAt: Nullable(Iso),
  finishedAt: Nullable(Iso),
  createdAt: Iso,
  funnel: BroadcastFunnel,
  /** Conversions and lift against the holdout; null until the send has started. */
  lift: Nullable(BroadcastLift),
  /**
   * When the funnel and the lift were counted. A broadcast of 5,000 recipients or more shows the
   * same counts for a few seconds (docs/broadcasts.md): this says how old they are.
   */
  countedAt: Iso,
});
export type BroadcastView = Static<typeof BroadcastView>;

export const BroadcastRecipientsQuery = Type.Object({
  after: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});

export const BroadcastRecipient = Type.Object({
  contactId: Type.String(),
  arm: Type.Union([Type.Literal('send'), Type.Literal('holdout')]),
  channel: Nullable(Type.String()),
  /** held_out, skipped, or the message's delivery: queued, sent, delivered, read, failed, in_doubt, withdrawn. */
  state: Type.String(),
  reason: Nullable(Type.String()),
  conversationId: Nullable(Type.String()),
  at: Iso,
  /** The first click on a tracked link of the message. */
  clickedAt: Nullable(Iso),
});
export type BroadcastRecipient = Static<typeof BroadcastRecipient>;

export const BroadcastRecipientsPage = Type.Object({
  items: Type.Array(BroadcastRecipient),
  next: Nullable(Type.String()),
});
