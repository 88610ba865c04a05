import type { Millis } from './schema.ts';

/** A missed target of a conversation: one row each, so its alert fires once (0045). */
export interface SlaBreachesTable {
  account_id: string;
  conversation_id: string;
  /** `first_response` or `resolution`. */
  target: string;
  skill_id: string;
  /** The priority band (`low` … `urgent`). */
  priority: string;
  /** The agent assigned when it was missed, if any. */
  agent_id: string | null;
  channel: string;
  /** The target's length in seconds of business time. */
  target_seconds: number;
  due_at: Millis;
  breached_at: Millis;
}

/** One row per account: the breach sweep, claimed under a lease (0045). */
export interface SlaSweepsTable {
  /** The account's id. */
  id: string;
  status: string;
  attempts: number;
  next_attempt_at: Millis;
  lease_until: Millis | null;
  claim_token: string | null;
  updated_at: Millis;
}
