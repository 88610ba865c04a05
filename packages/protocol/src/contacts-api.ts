import Type, { type Static } from 'typebox';
import { ConversionSource } from './conversions-api.ts';

/** Contacts: a person known across visits, devices and channels. */

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const Contact = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  /** The site's own id of a signed-in user; set only by a verified identify. */
  externalId: Nullable(Type.String()),
  /** True when the site vouched for this identity (identify with a valid userHash). */
  verified: Type.Boolean(),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  /** True when the contact asked not to get e-mail from us. */
  emailOptOut: Type.Boolean(),
  createdAt: Iso,
  updatedAt: Iso,
  lastSeenAt: Iso,
});
export type Contact = Static<typeof Contact>;

/** What identifies a person when a conversation or an identify names them. */
export interface ContactKeys {
  email?: string | null;
  phone?: string | null;
  /** The site's own user id: matches only verified contacts, and only when `verified`. */
  externalId?: string | null;
  name?: string | null;
  /** The site vouched for these keys (a valid userHash). */
  verified?: boolean;
  /**
   * The message came from this address itself (a mail's sender, an SMS's number). It may then join
   * a verified contact with that address: what is sent back goes to the address, not to the writer.
   */
  address?: 'email' | 'phone';
  /**
   * An id the sender has on a messaging platform (a Telegram user id), for channels that give no
   * phone or address. It names one contact per account; a phone or an e-mail, when given, wins.
   */
  platform?: { kind: string; id: string } | null;
}

/** `POST /api/v1/chat/identify`: a signed-in user of the site, vouched for by the site's userHash. */
export const IdentifyInput = Type.Object(
  {
    /** The tag visitor on this page, linked to the contact. */
    visitorId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    userId: Type.String({ minLength: 1, maxLength: 200 }),
    /** HMAC-SHA256(userId, the site's identity secret), hex, computed on the site's server. */
    userHash: Type.String({ minLength: 1, maxLength: 128 }),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    name: Type.Optional(Type.String({ maxLength: 120 })),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type IdentifyInput = Static<typeof IdentifyInput>;

export const IdentifiedConversation = Type.Object({
  id: Type.String(),
  status: Type.String(),
  channel: Type.String(),
  lastMessageAt: Nullable(Iso),
});

export const IdentifyResult = Type.Object({
  contact: Type.Object({ id: Type.String(), name: Nullable(Type.String()) }),
  /** The contact's conversations on every channel, latest first. */
  conversations: Type.Array(IdentifiedConversation),
  /**
   * A token of the contact's latest open web or app conversation, so the user picks it up on this
   * device; absent when there is none or the caller's own token already opens it.
   */
  token: Type.Optional(Type.String()),
  conversationId: Type.Optional(Type.String()),
  /**
   * The chat token sent opens another signed-in user's conversation (a shared browser, signed in
   * as someone else since): it no longer does, and the page lets go of that chat.
   */
  released: Type.Optional(Type.Literal(true)),
});
export type IdentifyResult = Static<typeof IdentifyResult>;

const closed = { additionalProperties: false } as const;

export const ContactListQuery = Type.Object(
  {
    /** Part of a name, an e-mail or a phone number; every contact when absent. */
    q: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  closed,
);
export type ContactListQuery = Static<typeof ContactListQuery>;

/** A contact in the list, with the channels it wrote on. */
export const ContactListItem = Type.Intersect([
  Contact,
  Type.Object({ channels: Type.Array(Type.String()) }),
]);
export type ContactListItem = Static<typeof ContactListItem>;

export const ContactPage = Type.Object({
  items: Type.Array(ContactListItem),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: Nullable(Type.String()),
});
export type ContactPage = Static<typeof ContactPage>;

/** A conversation as the contact page lists it. */
export const ContactConversation = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  status: Type.String(),
  siteId: Nullable(Type.String()),
  visitorId: Nullable(Type.String()),
  topic: Nullable(Type.String()),
  assignedAgentId: Nullable(Type.String()),
  createdAt: Iso,
  lastMessageAt: Nullable(Iso),
});

/** A visit (session) of one of the contact's tag visitors. */
export const ContactVisit = Type.Object({
  sessionId: Type.String(),
  siteId: Type.String(),
  visitorId: Type.String(),
  device: Type.String(),
  landingUrl: Nullable(Type.String()),
  referrer: Nullable(Type.String()),
  pageViews: Type.Integer(),
  startedAt: Iso,
  lastEventAt: Iso,
});

export const ContactPurchase = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  visitorId: Type.String(),
  orderId: Nullable(Type.String()),
  /** Who saw the order: the tag, the API, a shop's webhook (see docs/integrations.md). */
  sources: Type.Optional(Type.Array(ConversionSource)),
  revenue: Type.Number(),
  currency: Nullable(Type.String()),
  at: Iso,
});

export const ContactNote = Type.Object({
  id: Type.String(),
  authorId: Nullable(Type.String()),
  authorName: Nullable(Type.String()),
  body: Type.String(),
  createdAt: Iso,
});
export type ContactNote = Static<typeof ContactNote>;

/** A merge into this contact that can still be undone. */
export const ContactMergeView = Type.Object({
  id: Type.String(),
  keptId: Type.String(),
  mergedId: Type.String(),
  mergedBy: Nullable(Type.String()),
  createdAt: Iso,
  undoneAt: Nullable(Iso),
});
export type ContactMergeView = Static<typeof ContactMergeView>;

/** `GET /api/v1/contacts/{id}`: everything the contact page shows. */
export const ContactDetail = Type.Object({
  contact: Contact,
  conversations: Type.Array(ContactConversation),
  visitors: Type.Array(Type.Object({ siteId: Type.String(), visitorId: Type.String() })),
  visits: Type.Array(ContactVisit),
  purchases: Type.Array(ContactPurchase),
  notes: Type.Array(ContactNote),
  merges: Type.Array(ContactMergeView),
});
export type ContactDetail = Static<typeof ContactDetail>;
export type ContactConversation = Static<typeof ContactConversation>;
export type ContactVisit = Static<typeof ContactVisit>;
export type ContactPurchase = Static<typeof ContactPurchase>;

export const ContactPatch = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String({ maxLength: 120 }))),
    phone: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
    attributes: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 64 }),
    ),
    emailOptOut: Type.Optional(Type.Boolean()),
  },
  closed,
);
export type ContactPatch = Static<typeof ContactPatch>;

export const NoteInput = Type.Object({ body: Type.String({ minLength: 1, maxLength: 4000 }) }, closed);
export const MergeInput = Type.Object(
  {
    /** The contact merged into this one (it stops standing on its own). */ contactId: Type.String({
      minLength: 1,
      maxLength: 64,
    }),
  },
  closed,
);

/** `GET /api/v1/contacts/names`: names of contacts and of contacts of tag visitors, for lists. */
export const ContactNamesQuery = Type.Object(
  {
    /** Contact ids, comma-separated. */
    ids: Type.Optional(Type.String({ maxLength: 8000 })),
    /** Tag visitor ids, comma-separated. */
    visitorIds: Type.Optional(Type.String({ maxLength: 8000 })),
  },
  closed,
);
export const ContactNames = Type.Object({
  /** Contact id → name (null when the contact has none; e-mail otherwise shown). */
  contacts: Type.Record(
    Type.String(),
    Type.Object({ name: Nullable(Type.String()), email: Nullable(Type.String()) }),
  ),
  /** Visitor id → its contact. */
  visitors: Type.Record(
    Type.String(),
    Type.Object({ contactId: Type.String(), name: Nullable(Type.String()), email: Nullable(Type.String()) }),
  ),
});
export type ContactNames = Static<typeof ContactNames>;

/** `GET /api/v1/sites/{id}/identity`: the identity secret and how a site's server uses it. */
export const IdentitySettings = Type.Object({
  secret: Type.String(),
  snippets: Type.Object({
    node: Type.String(),
    php: Type.String(),
    python: Type.String(),
    ruby: Type.String(),
  }),
});
export type IdentitySettings = Static<typeof IdentitySettings>;
