import type { Millis } from './schema.ts';

/** Where a scheduled message is: waiting, being sent under a lease, or settled. */
export type ScheduledStatus = 'queued' | 'sending' | 'sent' | 'cancelled' | 'failed';

/** An agent's reply or note reminder that waits for its time (0065). */
export interface ScheduledMessagesTable {
  /** `sched_…`; the stored line's echo id is `scheduled:<id>`, so a retry never sends it twice. */
  id: string;
  account_id: string;
  conversation_id: string;
  author_id: string;
  author_name: string;
  /** 1: an internal note (a reminder to the team); 0: a reply to the customer. */
  note: number;
  text: string;
  send_at: Millis;
  /** 1: a customer line written before `send_at` cancels it. */
  cancel_on_reply: number;
  status: ScheduledStatus;
  attempts: number;
  /** `send_at` while queued; while sending, when the lease runs out. */
  next_attempt_at: Millis;
  lease_until: Millis | null;
  claim_token: string | null;
  /** Why it was not sent (failed) or was cancelled by the customer's reply. */
  last_error: string | null;
  /** The line it became, once sent. */
  sent_seq: number | null;
  created_at: Millis;
  updated_at: Millis;
}

/** One merge of two conversations of a contact, and what undoing it puts back (0066). */
export interface ConversationMergesTable {
  id: string;
  account_id: string;
  /** The conversation the thread is shown in. */
  kept_id: string;
  /** The conversation that joined it (closed by the merge, its messages left in place). */
  merged_id: string;
  /** JSON: the merged conversation's columns the merge changed, as they were. */
  undo: string;
  merged_by: string | null;
  created_at: Millis;
  undone_at: Millis | null;
}

/** A named set of actions an agent runs on a conversation (0066); `owner_id` null: shared. */
export interface MacrosTable {
  id: string;
  account_id: string;
  owner_id: string | null;
  name: string;
  /** JSON: the macro's actions (see `MacroActions` in the protocol). */
  actions: string;
  created_at: Millis;
  updated_at: Millis;
}

/** One run of a macro by an agent (the agents report counts them). */
export interface MacroRunsTable {
  id: string;
  account_id: string;
  macro_id: string;
  agent_id: string;
  conversation_id: string;
  created_at: Millis;
}
