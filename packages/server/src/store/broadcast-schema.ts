import type { ColumnType } from 'kysely';
import type { Millis } from './schema.ts';

/** Where a broadcast is: being written, waiting for its time, going out, done or stopped. */
export type BroadcastStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled';

/** One message to a segment (see 0061-broadcasts.ts and docs/broadcasts.md). */
export interface BroadcastsTable {
  id: string;
  account_id: string;
  name: string;
  segment_id: string;
  /** JSON: the segment's filter, copied when the send starts (a later edit of the segment changes nothing). */
  filter: string;
  /** JSON: the channels in order of preference. */
  channels: string;
  /** JSON: the message per channel. */
  content: string;
  /** The skill a reply's conversation joins; null: the channel's default. */
  skill_id: string | null;
  holdout_percent: number;
  /** 1: the send time's wall clock is used in each contact's zone (0062). */
  local_time: ColumnType<number, number | undefined, number>;
  /** Days after a contact was reached in which their conversion counts (0063). */
  attribution_window_days: ColumnType<number, number | undefined, number>;
  status: BroadcastStatus;
  /** When it goes out (the time it was created, for "now"). */
  scheduled_at: Millis;
  started_at: Millis | null;
  finished_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

/** A broadcast's sender, as a leased queue row: one node at a time pages through the segment. */
export interface BroadcastJobsTable {
  /** The broadcast's id. */
  id: string;
  account_id: string;
  status: 'queued' | 'sending' | 'done';
  attempts: number;
  next_attempt_at: Millis;
  lease_until: Millis | null;
  claim_token: string | null;
  /** The last contact id whose page was done; the next page starts after it. */
  cursor: string | null;
  updated_at: Millis;
}

/** Which side of the holdout a contact is on. */
export type BroadcastArm = 'send' | 'holdout';

/** What became of a contact when the sender reached it; after `queued`, the outbox row says more. */
export type RecipientState = 'queued' | 'held_out' | 'skipped';

/** One contact of a broadcast: at most one row each, written with the message it queued. */
export interface BroadcastRecipientsTable {
  broadcast_id: string;
  contact_id: string;
  account_id: string;
  arm: BroadcastArm;
  channel: string | null;
  state: RecipientState;
  /** Why a contact was skipped (no reachable channel, a variable without a value). */
  reason: string | null;
  conversation_id: string | null;
  outbox_id: string | null;
  created_at: Millis;
  /** The first click on one of the message's tracked links (0063). */
  clicked_at: ColumnType<Millis | null, Millis | null | undefined, Millis | null>;
}

/** A link of a recipient's message, rewritten to `/b/{token}`: the redirect goes only to `url`. */
export interface BroadcastLinksTable {
  /** SHA-256 of the token in the link, hex. */
  token_hash: string;
  broadcast_id: string;
  contact_id: string;
  account_id: string;
  url: string;
  created_at: Millis;
  clicked_at: Millis | null;
}

/** An account's sending guardrails (0062); a null column takes its default (sending-settings.ts). */
export interface SendingSettingsTable {
  account_id: string;
  /** IANA zone for quiet hours and local-time sends of contacts whose zone is unknown. */
  time_zone: string | null;
  /** Quiet hours as minutes of the day; both null: none. `quiet_to` at or before `quiet_from` runs overnight. */
  quiet_from: number | null;
  quiet_to: number | null;
  whatsapp_per_second: number | null;
  sms_per_second: number | null;
  email_per_minute: number | null;
  /** At most `cap_messages` broadcast messages per contact in `cap_days` days; null: no cap. */
  cap_messages: number | null;
  cap_days: number | null;
  updated_at: Millis;
}

/** How many sending times of a minute an account has booked on a channel (send-slots-repo.ts). */
export interface SendSlotsTable {
  account_id: string;
  channel: string;
  /** The minute's start (epoch ms). */
  window_at: Millis;
  /** Times booked so far; the next is `window_at + used × spacing`. */
  used: number;
}

/** The next moment a paced message may leave, per account and channel (send-slots-repo.ts). */
export interface SendPaceTable {
  account_id: string;
  channel: string;
  next_at: Millis;
}

/** A message a broadcast or a campaign sent to a contact's inbox: what the frequency cap counts. */
export interface ContactMessagesTable {
  contact_id: string;
  kind: 'broadcast' | 'campaign';
  /** The broadcast's id, or the campaign exposure's. */
  ref: string;
  account_id: string;
  created_at: Millis;
}
