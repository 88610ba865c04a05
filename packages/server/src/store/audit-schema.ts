import type { Millis } from './schema.ts';

/** One audited action: who, how signed in, from where, what, on which target. Appended only. */
export interface AuditLogTable {
  /** A time-ordered id (`aud_…`), so the cursor sorts with the time. */
  id: string;
  account_id: string;
  at: Millis;
  /** `user`, `api_key`, or `system` (retention). */
  actor_type: string;
  actor_id: string | null;
  /** The user's e-mail or the key's name at the time, kept after either is gone. */
  actor_label: string | null;
  actor_role: string | null;
  /** How the session signed in (`password`, `password+totp`, `oidc`…), or `api_key`. */
  auth_method: string | null;
  ip: string | null;
  user_agent: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** JSON of the fields changed, secrets redacted; at most ~1 KB. */
  summary: string | null;
}

/** An account's limit for one kind of data, in days; 0 keeps it forever. */
export interface RetentionPoliciesTable {
  account_id: string;
  kind: string;
  days: number;
}

/** One row per account: when its next retention sweep is due, claimed under a lease. */
export interface RetentionSweepsTable {
  /** The account's id. */
  id: string;
  status: string;
  attempts: number;
  next_attempt_at: Millis;
  lease_until: Millis | null;
  claim_token: string | null;
  updated_at: Millis;
  /** Rows the last sweep deleted (operators' view). */
  last_deleted: number;
}
