import type { ConversationsTable, Millis } from './schema.ts';

/**
 * Where an outbox row is: waiting, being sent under a lease, or settled. `in_doubt`: a message sent
 * at most once whose node stopped during its provider request; the provider may or may not have it.
 */
export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'in_doubt';

/** One agent line bound for a channel (see 0017-outbox.ts). */
export interface OutboxTable {
  id: string;
  account_id: string;
  conversation_id: string;
  seq: number;
  channel: ConversationsTable['channel'];
  /** `${conversation_id}:${seq}`: unique, and handed to the channel so a provider that dedupes does. */
  idempotency_key: string;
  status: OutboxStatus;
  attempts: number;
  /** When it is due: the next try, or (while sending) when its lease runs out. */
  next_attempt_at: Millis;
  lease_until: Millis | null;
  /** The claim that holds the lease: only it may settle the row. */
  claim_token: string | null;
  last_error: string | null;
  provider_id: string | null;
  /** JSON: what the channel sends instead of the line's text (a WhatsApp template), or null. */
  payload: string | null;
  /** A broadcast's message: the account's throughput on its channel when booked (0062); null: not paced. */
  pace_per_minute: number | null;
  /** The moment this paced message holds (taken from `send_pace`, then put off to it); null: none yet. */
  paced_at: Millis | null;
  /** 1: sent at most once (a broadcast's message, 0092); after a crash mid-request it is in doubt, not sent again. */
  once: number;
  /** When the provider request of a `once` row began (durable before it); null: not begun since its claim. */
  launched_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

/** An account's routing settings for one channel. */
export interface ChannelSettingsTable {
  account_id: string;
  channel: ConversationsTable['channel'];
  default_skill_id: string | null;
  /** Capacity weight in thousandths of a live chat. */
  weight_milli: number;
  /** 1 when a resolved conversation of this channel sends a satisfaction survey. */
  csat_survey: number;
  /** The approved WhatsApp template a survey is sent as outside Meta's 24-hour window; null: none. */
  csat_template_name: string | null;
  csat_template_language: string | null;
  updated_at: Millis;
}

/** A satisfaction survey sent on a resolved conversation's channel, and its answer. */
export interface CsatSurveysTable {
  account_id: string;
  conversation_id: string;
  channel: ConversationsTable['channel'];
  sent_at: Millis;
  /** A bare answer (a digit) after this is a message like any other. */
  expires_at: Millis;
  /** The provider's id of the answer that rated it: a redelivery rates once. */
  answer_id: string | null;
  answered_at: Millis | null;
}
