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
