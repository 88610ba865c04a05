import type { Generated } from 'kysely';
import type { Millis } from './schema.ts';

/** Where a call stands: waiting for an agent, waiting for the visitor's consent, talking, on hold, over. */
export type CallState = 'ringing' | 'inviting' | 'active' | 'held' | 'ended';

/** One call between a visitor and agents, in a conversation. */
export interface CallsTable {
  id: string;
  account_id: string;
  conversation_id: string;
  skill_id: string | null;
  /** `visitor` or `agent`: who asked for the call. */
  started_by: string;
  state: CallState;
  /** The agent on the call (after an answer), or who invited the visitor. */
  agent_id: string | null;
  /** The agent whose console rings now. */
  ringing_agent_id: string | null;
  ring_deadline: Millis | null;
  /** Agents rung already for this call (JSON array): the next ring goes to someone else. */
  tried: string;
  /** Grows each time an agent joins the call: their console sets up a new peer connection. */
  leg: number;
  requested_at: Millis;
  ringing_at: Millis | null;
  answered_at: Millis | null;
  ended_at: Millis | null;
  /** `visitor`, `agent` or `system`. */
  ended_by: string | null;
  end_reason: string | null;
  talk_ms: Millis | null;
  wait_ms: Millis | null;
  held_ms: Millis;
  held_since: Millis | null;
  transfers: number;
  updated_at: Millis;
  /** 1 when the site recorded calls as this one began (0036): both sides are told. */
  recorded: Generated<number>;
  /** A call on the telephone network: the caller's number (inbound) or the dialled one (0080). */
  phone_number: Generated<string | null>;
  /** `inbound` or `outbound` for a phone call; null between browsers. */
  direction: Generated<string | null>;
  /** The agent who hands a phone call over warm and still holds the caller (0094). */
  warm_from: Generated<string | null>;
  /** 1 while a warm transfer rings a skill: a decline or no answer rings its next agent (0098). */
  warm_skill: Generated<number>;
}

/** An account's SIP trunk: the carrier's registrar and credentials (0080). */
export interface PhoneTrunksTable {
  id: string;
  account_id: string;
  name: string;
  host: string;
  port: number;
  /** `udp`, `tcp` or `tls`. */
  transport: string;
  username: string;
  /** Sealed (`SecretBox`). */
  password: string;
  /** `pending`, `registering`, `registered`, `failed` or `no_gateway`. */
  status: string;
  status_reason: string | null;
  /** When a failed registration is tried again (0091); null: no retry planned. */
  retry_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

/** A number reached through a trunk, to a skill or a menu (JSON), with its hours (JSON) (0080). */
export interface PhoneNumbersTable {
  id: string;
  account_id: string;
  trunk_id: string;
  number: string;
  skill_id: string | null;
  menu: string | null;
  hours: string | null;
  after_hours: string | null;
  /** 1: the number's calls are recorded, and the caller hears so first (0095). */
  record_calls: Generated<number>;
  /** The language of the number's prompts: `en`, `de` or `es` (0095). */
  language: Generated<string>;
  created_at: Millis;
  updated_at: Millis;
}

/** A message a caller left on a number after hours, counted by the calls report (0095). */
export interface PhoneVoicemailsTable {
  id: string;
  account_id: string;
  conversation_id: string;
  number_id: string;
  number: string;
  skill_id: string | null;
  ms: number;
  created_at: Millis;
}

/** `recording` while chunks arrive; `complete` once it is an attachment of the conversation. */
export type RecordingStatus = 'recording' | 'complete';

/** The audio of one recorded call, appended chunk by chunk by the agent's console (0036). */
export interface CallRecordingsTable {
  id: string;
  account_id: string;
  conversation_id: string;
  call_id: string;
  /** 0 for the agent who answered; each transfer's new agent records the next one (migration 0041). */
  leg: number;
  /** The agent whose console records. */
  agent_id: string;
  status: RecordingStatus;
  /** Chunks received; the next one must carry this number. */
  chunks: number;
  size: number;
  storage_key: string;
  /** The conversation's attachment, once complete. */
  attachment_id: string | null;
  started_at: Millis;
  updated_at: Millis;
  finished_at: Millis | null;
}

/** An agent's voice settings; an agent without a row takes calls and gets no chat during one. */
export interface AgentVoiceSettingsTable {
  account_id: string;
  user_id: string;
  takes_calls: number;
  chats_during_calls: number;
  updated_at: Millis;
}

/** Where a callback stands: waiting for its time, in the queue as a conversation, or done. */
export type CallbackStatus = 'scheduled' | 'queued' | 'done';

/** A visitor's request to be called back on their phone. */
export interface CallbacksTable {
  id: string;
  account_id: string;
  site_id: string;
  /** The chat it was asked for in. */
  conversation_id: string;
  skill_id: string | null;
  phone: string;
  topic: string | null;
  window_start: Millis;
  window_end: Millis;
  /** When it enters the queue: the window's start, or the agent's new time after a reschedule. */
  due_at: Millis;
  status: CallbackStatus;
  /** The conversation agents are offered for it, once due. */
  task_conversation_id: string | null;
  /** `reached`, `no_answer`, `wrong_number` or `rescheduled` (the last one recorded). */
  outcome: string | null;
  attempts: number;
  created_at: Millis;
  updated_at: Millis;
}

/**
 * One agent's part in a call: rung at `rang_at`, answered (or not), and how it ended — `ended`
 * (the call ended while they had it), `transferred` (they passed it on), `missed` (the ring moved
 * on to someone else) or `abandoned` (the call ended while it rang them).
 */
export interface CallLegsTable {
  id: string;
  account_id: string;
  call_id: string;
  agent_id: string;
  rang_at: Millis;
  answered_at: Millis | null;
  ended_at: Millis | null;
  end: string | null;
}
