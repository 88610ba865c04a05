import type { Millis } from './schema.ts';

/** Where a webhook delivery is: waiting, being sent under a lease, or settled. */
export type WebhookDeliveryStatus = 'queued' | 'sending' | 'delivered' | 'failed';

/** An account's webhook endpoint (see 0024-webhooks.ts). */
export interface WebhookEndpointsTable {
  id: string;
  account_id: string;
  /** `webhook` (Standard Webhooks, signed) or `slack` (an incoming-webhook URL, Slack's body). */
  kind: 'webhook' | 'slack';
  url: string;
  description: string | null;
  /** JSON array of the event types it subscribes to. */
  events: string;
  /** JSON of a Slack endpoint's options, null for a plain webhook. */
  slack: string | null;
  /** `whsec_` + base64 key. */
  secret: string;
  /** The secret before the last rotation, still signing until `previous_secret_until`. */
  previous_secret: string | null;
  previous_secret_until: Millis | null;
  /** 1 or 0. */
  enabled: number;
  disabled_reason: string | null;
  disabled_at: Millis | null;
  /** Deliveries that failed for good in a row, since the last success. */
  failure_streak: number;
  /** When the current run of failed attempts began (null after a success). */
  failing_since: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

/** One event bound for one endpoint, claimed with a lease like the outbox's rows. */
export interface WebhookDeliveriesTable {
  id: string;
  account_id: string;
  endpoint_id: string;
  /** The `webhook-id` header: the same across attempts and replays. */
  webhook_id: string;
  event_type: string;
  /** The body, as sent. */
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When it is due: the next try, or (while sending) when its lease runs out. */
  next_attempt_at: Millis;
  lease_until: Millis | null;
  claim_token: string | null;
  response_status: number | null;
  response_excerpt: string | null;
  duration_ms: number | null;
  last_error: string | null;
  created_at: Millis;
  delivered_at: Millis | null;
  updated_at: Millis;
}
