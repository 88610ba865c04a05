import type { ColumnType } from 'kysely';
import type { Millis } from './schema.ts';

/** A person known across visits, devices and channels. */
export interface ContactsTable {
  id: string;
  account_id: string;
  name: string | null;
  /** Lower-case. */
  email: string | null;
  /** `+` and digits. */
  phone: string | null;
  /** The site's own id of a signed-in user (set only by a verified identify). */
  external_id: string | null;
  /** 1 when the site vouched for this identity (identify with a valid userHash). */
  verified: number;
  /** JSON object of attributes the site or an agent set. */
  attributes: string;
  /** 1 when the contact asked not to get e-mail from us. */
  email_opt_out: number;
  /** 1 after the contact texted STOP, until they text START; defaults to 0 on insert. */
  sms_opt_out: ColumnType<number, number | undefined, number>;
  /** 1 after the contact wrote STOP on WhatsApp, until they write START (0063). */
  whatsapp_opt_out: ColumnType<number, number | undefined, number>;
  /** The contact this one was merged into, or null while it stands on its own. */
  merged_into: string | null;
  created_at: Millis;
  updated_at: Millis;
  last_seen_at: Millis;
}

/** Which contact a tag visitor of a site is. */
export interface ContactVisitorsTable {
  site_id: string;
  visitor_id: string;
  account_id: string;
  contact_id: string;
  created_at: Millis;
}

export interface ContactNotesTable {
  id: string;
  account_id: string;
  contact_id: string;
  author_id: string | null;
  body: string;
  created_at: Millis;
}

/** One merge of two contacts, with what undoing it must put back (JSON). */
export interface ContactMergesTable {
  id: string;
  account_id: string;
  kept_id: string;
  merged_id: string;
  undo: string;
  /** The user who merged them by hand. */
  merged_by: string | null;
  created_at: Millis;
  undone_at: Millis | null;
}

/**
 * More tokens that open a conversation besides its own `visitor_token_hash`: a verified user on a
 * second device gets one for the conversation they started on the first.
 */
export interface ConversationTokensTable {
  token_hash: string;
  conversation_id: string;
  account_id: string;
  created_at: Millis;
}

/** A provider's message id and the line it is (inbound idempotency, threading of replies). */
export interface ChannelMessagesTable {
  account_id: string;
  channel: string;
  external_id: string;
  conversation_id: string;
  seq: number | null;
  direction: 'in' | 'out';
  created_at: Millis;
}

/** An address mail is received at, and the site it reaches (`*@domain`: every address of the domain). */
export interface EmailAddressesTable {
  address: string;
  account_id: string;
  site_id: string;
  created_at: Millis;
}

/** The reply token of an e-mail thread: `reply+<token>@domain` leads back to the conversation. */
export interface EmailThreadsTable {
  token: string;
  account_id: string;
  conversation_id: string;
  created_at: Millis;
}

/** A saved filter over an account's contacts (JSON `filter`: the segment filter tree). */
/** What segments read about a contact's history, kept by contact-facts.ts (migration 0060). */
export interface ContactFactsTable {
  contact_id: string;
  account_id: string;
  purchase_count: number;
  /** Sum of the purchases' revenue (0 without any). */
  purchase_total: number;
  last_purchase_at: Millis | null;
  /** The score of the latest scored visit. */
  score: number | null;
  /** The country of the latest visit with one. */
  country: string | null;
  /** The largest cart total put together after the latest purchase (none: no cart left open). */
  open_cart_total: number | null;
  /** 1 when the contact, or a contact merged into it, opted in to SMS. */
  sms_opt_in: number;
  /** 1 when the contact, or a contact merged into it, opted in to WhatsApp. */
  whatsapp_opt_in: number;
  /** 1 when the contact, or a contact merged into it, has a device for push. */
  push_device: number;
}

/** The last time a visitor viewed a page in a section (visitor-marks.ts). */
export interface VisitorSectionsTable {
  account_id: string;
  site_id: string;
  visitor_id: string;
  section: string;
  last_at: Millis;
}

/** The largest cart total a frame of the visitor put together, at the frame's time. */
export interface VisitorCartsTable {
  account_id: string;
  site_id: string;
  visitor_id: string;
  at: Millis;
  total: number;
}

export interface SegmentsTable {
  id: string;
  account_id: string;
  name: string;
  filter: string;
  created_at: Millis;
  updated_at: Millis;
}
