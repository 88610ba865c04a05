import Type, { type Static } from 'typebox';

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
});
export type IdentifyResult = Static<typeof IdentifyResult>;
