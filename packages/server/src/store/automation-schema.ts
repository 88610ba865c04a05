import type { Millis } from './schema.ts';

/** An account's automation rule (see 0033-automation-rules.ts). */
export interface AutomationRulesTable {
  id: string;
  account_id: string;
  name: string;
  /** 1 or 0. */
  enabled: number;
  /** The trigger's type, so the events a rule listens to are found without parsing. */
  trigger_type: string;
  /** JSON `{ trigger, conditions, actions }`. */
  definition: string;
  run_count: number;
  last_run_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

/** One firing of a rule; the newest few hundred per rule are kept. */
export interface AutomationRunsTable {
  id: string;
  account_id: string;
  rule_id: string;
  /** The queued event it ran on: a rule runs once per event. */
  event_id: string;
  trigger_type: string;
  conversation_id: string | null;
  status: 'running' | 'done' | 'failed';
  /** JSON array of `{ type, ok, detail }`. */
  steps: string;
  created_at: Millis;
}

/** A domain event for the account's rules, claimed with a lease like a webhook delivery. */
export interface AutomationEventsTable {
  id: string;
  account_id: string;
  /** A webhook event type, or `conversation.idle`. */
  event_type: string;
  /** JSON of the event (`{ type, timestamp, data }`). */
  payload: string;
  /** JSON array of the rules whose actions caused it (loop prevention). */
  chain: string;
  /** Set for an idle event: only this rule is evaluated. */
  rule_id: string | null;
  status: 'queued' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Millis;
  lease_until: Millis | null;
  claim_token: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** A quiet spell of a conversation an idle rule fired for: `since` is the last activity before it. */
export interface AutomationIdleTable {
  rule_id: string;
  conversation_id: string;
  since: Millis;
  created_at: Millis;
}
