import type { ColumnType, Generated } from 'kysely';
import type { AppTokensTable, PushDevicesTable, SitePushSettingsTable } from './app-push-schema.ts';
import type {
  AssistSettingsTable,
  AssistSuggestionCountsTable,
  ConversationSummariesTable,
  MessageTranslationsTable,
} from './assist-schema.ts';
import type { AuditLogTable, RetentionPoliciesTable, RetentionSweepsTable } from './audit-schema.ts';
import type {
  AutomationEventsTable,
  AutomationIdleTable,
  AutomationRulesTable,
  AutomationRunsTable,
} from './automation-schema.ts';
import type { AnswerGenerationTable, BotsTable, KnowledgeArticlesTable } from './bot-schema.ts';
import type {
  BroadcastJobsTable,
  BroadcastLinksTable,
  BroadcastRecipientsTable,
  BroadcastsTable,
  ContactMessagesTable,
  SendingSettingsTable,
  SendPaceTable,
  SendSlotsTable,
} from './broadcast-schema.ts';
import type { ConversationClassificationsTable } from './classification-schema.ts';
import type {
  ConversationMergesTable,
  MacroRunsTable,
  MacrosTable,
  ScheduledMessagesTable,
} from './collab-schema.ts';
import type {
  ChannelConnectionsTable,
  ContactConsentsTable,
  ContactIdentitiesTable,
  WhatsAppTemplatesTable,
} from './connection-schema.ts';
import type {
  ChannelMessagesTable,
  ContactFactsTable,
  ContactMergesTable,
  ContactNotesTable,
  ContactsTable,
  ContactVisitorsTable,
  ConversationTokensTable,
  EmailAddressesTable,
  EmailThreadsTable,
  SegmentsTable,
  VisitorCartsTable,
  VisitorSectionsTable,
} from './contact-schema.ts';
import type {
  ModelSessionsTable,
  ModelSiteSettingsTable,
  ModelsTable,
  PageStatsTable,
} from './model-schema.ts';
import type { ChannelSettingsTable, CsatSurveysTable, OutboxTable } from './outbox-schema.ts';
import type { SlaBreachesTable, SlaSweepsTable } from './sla-schema.ts';
import type {
  AgentVoiceSettingsTable,
  CallbacksTable,
  CallLegsTable,
  CallRecordingsTable,
  CallsTable,
  PhoneNumbersTable,
  PhoneTrunksTable,
  PhoneVoicemailsTable,
} from './voice-schema.ts';
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from './webhook-schema.ts';

/** Timestamps are epoch milliseconds in both stores (BIGINT on PostgreSQL, INTEGER on SQLite). */
export type Millis = number;

export interface AccountsTable {
  id: string;
  name: string;
  /** 1: every member must set up two-factor sign-in before using the console. */
  require_totp: Generated<number>;
  created_at: Millis;
}

export interface UsersTable {
  id: string;
  account_id: string;
  email: string;
  name: string;
  role: 'owner' | 'admin' | 'agent' | 'analyst';
  password_hash: string;
  capacity: number;
  status: 'online' | 'away' | 'offline';
  /** With `status: away`: the reason the agent picked (one of the account's away reasons). */
  away_reason: string | null;
  /** The console's language this user chose (`en`, `de`, `es`); null: their browser's. */
  console_language: string | null;
  /** The language the agent reads customers in (live translation); null: the console's. */
  reading_language: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** An account's away reasons, as a JSON array of labels (no row: the default set). */
export interface AwayReasonsTable {
  account_id: string;
  reasons: string;
}

/** What an account masks in messages (no row: cards and IBANs, no patterns). */
export interface MaskingSettingsTable {
  account_id: string;
  cards: number;
  ibans: number;
  /** JSON: the account's patterns (`MaskPattern[]`). */
  patterns: string;
  updated_at: Millis;
}

/** One change of an agent's state; it lasts until the agent's next row. */
export interface AgentStateLogTable {
  id: string;
  account_id: string;
  user_id: string;
  state: 'online' | 'away' | 'offline';
  reason: string | null;
  at: Millis;
}

export interface UserSkillsTable {
  user_id: string;
  skill_id: string;
  account_id: string;
}

export interface SitesTable {
  id: string;
  account_id: string;
  name: string;
  site_key: string;
  /** JSON array of origins. */
  allowed_origins: string;
  time_zone: string;
  /** The key of identify's userHash (HMAC-SHA256 of the user id); made on first use. */
  identity_secret: string | null;
  created_at: Millis;
  /** 1: visitor addresses are cut to their network where they enter (0039). */
  anonymize_ip: Generated<number>;
  /** 1: calls on this site are recorded (both sides are told); 0 by default (0036). */
  record_calls: number;
  /** `auto` or a widget language code (0046). */
  widget_language: Generated<string>;
}

export interface SkillsTable {
  id: string;
  account_id: string;
  name: string;
  max_wait_seconds: number;
  offer_timeout_seconds: number;
  /** JSON array of skill ids. */
  transfer_skill_ids: string;
  created_at: Millis;
  /** JSON `BusinessHours` (time zone, weekly intervals, holidays); null: always open (0026). */
  business_hours: string | null;
  /** The bot its new conversations are offered to first; null: straight to people (0032). */
  bot_id: string | null;
  /** JSON `SlaTargets` per priority band; null: no targets (0045). */
  sla_targets?: string | null;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_at: Millis;
  last_used_at: Millis | null;
}

export interface AuthSessionsTable {
  /** sha256 of the cookie token; the token itself is never stored. */
  id: string;
  user_id: string;
  account_id: string;
  csrf_token: string;
  created_at: Millis;
  expires_at: Millis;
  /** The session's public id in the API (the start of `id`): the hash itself is never shown. */
  ref: string | null;
  user_agent: string | null;
  ip: string | null;
  /** How it signed in: `password`, `password+totp`, `password+recovery` or `oidc`. */
  method: string | null;
  last_seen_at: Millis | null;
}

/** A user's authenticator (RFC 6238); `enabled_at` is null until a first code proved it. */
export interface UserTotpTable {
  user_id: string;
  account_id: string;
  secret: string;
  enabled_at: Millis | null;
  /** The last 30-second step a code was accepted for. */
  last_step: Generated<Millis>;
  created_at: Millis;
}

/** An account's OpenID Connect provider. */
export interface SsoConfigsTable {
  account_id: string;
  issuer: string;
  client_id: string;
  client_secret: string;
  /** JSON array of the e-mail domains whose people sign in through this provider. */
  domains: string;
  /** The ID token claim holding the user's groups (`groups` by default). */
  groups_claim: string;
  /** JSON object: provider group → role. */
  role_map: string;
  /** The role of a new user no group maps; null: such a user is refused. */
  default_role: string | null;
  /** 1: people of the domains are created at their first sign-in. */
  jit: Generated<number>;
  enabled: Generated<number>;
  created_at: Millis;
  updated_at: Millis;
}

/** A sign-in sent to the provider and not back yet. */
export interface SsoPendingTable {
  state: string;
  account_id: string;
  nonce: string;
  code_verifier: string;
  expires_at: Millis;
}

export interface SsoIdentitiesTable {
  issuer: string;
  subject: string;
  account_id: string;
  user_id: string;
  created_at: Millis;
}

export interface UserRecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: Millis | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface VisitorsTable {
  site_id: string;
  /** The tag's first-party visitor id (unique within the site). */
  id: string;
  account_id: string;
  first_seen_at: Millis;
  last_seen_at: Millis;
  session_count: number;
  device: string;
  /** JSON snapshot of the live visitor state (restored when an evicted visitor returns). */
  state: string;
}

export interface VisitorSessionsTable {
  id: string;
  account_id: string;
  site_id: string;
  visitor_id: string;
  /** 1 when the visitor had an earlier session. */
  returning: number;
  device: string;
  landing_url: string | null;
  referrer: string | null;
  channel: string | null;
  source: string | null;
  page_views: number;
  started_at: Millis;
  last_event_at: Millis;
  /** Where the visit came from (from the address, before anonymisation); null when unknown. */
  country: string | null;
  region: string | null;
  city: string | null;
  time_zone: string | null;
}

/**
 * The events attribution reads one by one: custom events and purchases (each is also in its frame
 * in `event_frames`, the complete log).
 */
export interface EventsTable {
  account_id: string;
  site_id: string;
  visitor_id: string;
  session_id: string;
  batch_id: string;
  /** Position of the event in its batch. */
  seq: number;
  type: string;
  /** page_view: the path; event: its name; attr: the attribute type; else null. */
  name: string | null;
  /** JSON of the event as the tag sent it. */
  payload: string;
  /** Server receive time. */
  ts: Millis;
}

/** The event log: one row per accepted batch frame, as the tag sent it. */
export interface EventFramesTable {
  account_id: string;
  site_id: string;
  visitor_id: string;
  session_id: string;
  batch_id: string;
  /** Server receive time (of every event in the frame). */
  ts: Millis;
  /** How many events `frame` holds. */
  event_count: number;
  /** JSON text with an `events` array (the batch frame as received). */
  frame: string;
}

export interface CampaignsTable {
  id: string;
  account_id: string;
  name: string;
  status: 'active' | 'paused' | 'draft';
  /** JSON columns: goal, targeting (condition tree), schedule, frequency, engagement. */
  goal: string;
  targeting: string;
  schedule: string | null;
  frequency: string;
  priority: number;
  control_share: number;
  engagement: string;
  attribution_window_days: number;
  /** 'all', or 'positive_lift' (only score bands where the campaign's measured lift is positive). */
  score_bands: string;
  /** The variants report's equivalence band; null: the default (migration 0056). */
  minimal_effect?: number | null;
  /** JSON `{ mode, holdout }` of the uplift mode, or null (off). */
  uplift?: string | null;
  /** `app` or `both`; null: web pages only (migration 0078). */
  surfaces?: string | null;
  version: number;
  created_at: Millis;
  updated_at: Millis;
  deleted_at: Millis | null;
}

/** The last uplift training run of a campaign: a model, or the counts that were too few. */
export interface UpliftModelsTable {
  campaign_id: string;
  account_id: string;
  state: 'trained' | 'not_enough_data' | 'failed';
  /** JSON `{ treated, control }` forests, null without a model. */
  model: string | null;
  treated: number;
  control: number;
  treated_conversions: number;
  control_conversions: number;
  message: string;
  trained_at: Millis;
}

export type ExposureOutcomeColumn = 'shown' | 'accepted' | 'dismissed' | 'clicked' | 'ignored';

export interface ExposuresTable {
  id: string;
  account_id: string;
  site_id: string;
  /** Null for an agent's manual invitation. */
  campaign_id: string | null;
  visitor_id: string;
  session_id: string;
  engagement_type: string;
  /** 1 for a control-group qualification (recorded, nothing shown). */
  control: number;
  outcome: ExposureOutcomeColumn | null;
  /** The visitor's purchase score when they qualified (null before any score). */
  score?: number | null;
  /** The agent who sent a manual invitation (null for a campaign's). */
  agent_id?: string | null;
  /** A shown chat invitation's message, as the visitor read it (null for anything else). */
  invitation_text?: string | null;
  /** The name a shown chat invitation came under (the inviting or next agent), or null. */
  invitation_from?: string | null;
  /** The variant's key shown to the visitor (null for control and campaigns without variants; migration 0056). */
  variant?: string | null;
  created_at: Millis;
  shown_at: Millis | null;
  outcome_at: Millis | null;
}

export type ConversationStatusColumn = 'queued' | 'offered' | 'active' | 'closed' | 'offline';

export interface ConversationsTable {
  id: string;
  account_id: string;
  site_id: string | null;
  visitor_id: string | null;
  channel:
    | 'web'
    | 'app'
    | 'email'
    | 'api'
    | 'messenger'
    | 'whatsapp'
    | 'instagram'
    | 'telegram'
    | 'sms'
    | 'voice';
  source: 'invitation' | 'button' | 'visitor' | 'offline_form' | 'api';
  origin_exposure_id: string | null;
  skill_id: string | null;
  status: ConversationStatusColumn;
  assigned_agent_id: string | null;
  offered_to: string | null;
  offered_at: Millis | null;
  priority: number;
  value: number;
  score: number | null;
  /** Offered to this agent first when they can take it: the agent whose invitation the visitor accepted. */
  preferred_agent_id: string | null;
  visitor_name: string | null;
  visitor_email: string | null;
  topic: string | null;
  /** When the visitor asked (the conversation's start); wait and first response count from it. */
  enqueued_at: Millis;
  /** When it entered its current skill's queue (again after a transfer or an overflow). */
  skill_entered_at: Millis;
  overflow_count: number;
  /** When an agent first took it; a transfer keeps it (each agent's hold is in conversation_assignments). */
  assigned_at: Millis | null;
  /** The first agent reply, whoever wrote it. */
  first_response_at: Millis | null;
  closed_at: Millis | null;
  closed_by: string | null;
  disposition: string | null;
  /** JSON array of strings. */
  tags: string;
  csat_score: number | null;
  /** The channel connection it came in on (a WhatsApp number, a bot): its replies leave by it. */
  connection_id: string | null;
  csat_comment: string | null;
  /** sha256 of the visitor's conversation token; the token itself is never stored. */
  visitor_token_hash: string;
  /** The contact the conversation is with, once known. */
  contact_id: string | null;
  /** The conversation this one was merged into (0066); null when it stands alone. */
  merged_into: string | null;
  /** 'customer' while an agent waits on the customer's answer (pending); null otherwise. */
  waiting_on: 'customer' | null;
  /** Snoozed until this time (then it wakes up as open); null when not snoozed. */
  snoozed_until: Millis | null;
  /** The last agent line the customer was sent by e-mail because they had not seen it (0: none). */
  notified_seq: number;
  /** The highest sequence number the visitor / the assigned agent has read (persisted read receipts). */
  visitor_read_seq: number;
  agent_read_seq: number;
  /** The bot holding it now (routing leaves it alone meanwhile); null once handed over (0032). */
  bot_id: string | null;
  /** The bot that took it first: not null when a bot took part (reports split on it). */
  first_bot_id: string | null;
  /** When its bot handed it over to people. */
  handoff_at: Millis | null;
  /** A supervisor who barged in: a second agent writing to the visitor; the assigned agent keeps it (0047). */
  joined_agent_id: string | null;
  /** The bot owes an answer to the visitor's line by this time, else it is handed over. */
  bot_wait_until: Millis | null;
  /** The widget's language when the visitor started the chat: the server's lines to them use it. */
  language: string | null;
  /** The customer's language as last detected by assist's live translation. */
  customer_language: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface MessagesTable {
  conversation_id: string;
  seq: number;
  account_id: string;
  sender_kind: 'visitor' | 'agent' | 'system' | 'note' | 'invitation' | 'bot';
  /** 'visitor', 'system', the agent's user id or the bot's id; with echo_id the idempotency key. */
  sender_id: string;
  sender_name: string | null;
  echo_id: string | null;
  body: string;
  /** JSON array of attachment descriptors; a bot's line: a JSON object (quick replies, a card); or null. */
  attachments: string | null;
  created_at: Millis;
}

/** A file uploaded into a conversation; bound to the message that sent it (`message_seq`). */
export interface AttachmentsTable {
  id: string;
  account_id: string;
  conversation_id: string;
  /** Which side uploaded it: only that side may send it. */
  side: 'visitor' | 'agent';
  /** The agent's user id; null for the visitor. */
  uploaded_by: string | null;
  name: string;
  content_type: string;
  size: number;
  /** Where the bytes are in the attachment storage. */
  storage_key: string;
  /** The message that sent it; null until sent. */
  message_seq: number | null;
  created_at: Millis;
}

/** A saved reply an agent inserts by its shortcut. */
export interface CannedResponsesTable {
  id: string;
  account_id: string;
  shortcut: string;
  title: string;
  text: string;
  created_at: Millis;
  updated_at: Millis;
}

/** A colleague an internal note names (0064-mentions.ts). */
export interface MentionsTable {
  id: string;
  account_id: string;
  user_id: string;
  conversation_id: string;
  seq: number;
  author_id: string;
  created_at: Millis;
  read_at: Millis | null;
  emailed_at: Millis | null;
}

export interface ConversationPassesTable {
  conversation_id: string;
  agent_id: string;
  account_id: string;
  reason: 'declined' | 'timeout' | 'transferred';
  created_at: Millis;
}

/** One agent's hold of a conversation: from taking it until a transfer moved it on or it closed. */
export interface ConversationAssignmentsTable {
  conversation_id: string;
  /** 1, 2, … in the order agents held the conversation. */
  seq: number;
  account_id: string;
  agent_id: string;
  assigned_at: Millis;
  ended_at: Millis | null;
  end_reason: 'transferred' | 'closed' | null;
}

export interface AgentStatesTable {
  user_id: string;
  account_id: string;
  missed_offers: number;
  last_assigned_at: Millis | null;
}

export type ConversionKindColumn = 'purchase' | 'goal';

/** A purchase or a campaign goal reached, recorded once (dedupe key per site). */
export interface ConversionsTable {
  id: string;
  account_id: string;
  site_id: string;
  visitor_id: string;
  session_id: string;
  kind: ConversionKindColumn;
  /** The custom event's name for a goal; null for a purchase. */
  goal_name: string | null;
  order_id: string | null;
  /** `order:<orderId>` for a purchase, `event:<visitor>:<batch>:<seq>` for a goal event. */
  dedupe_key: string;
  revenue: number;
  currency: string | null;
  /** When the visitor converted (the event's receive time). */
  ts: Millis;
  recorded_at: Millis;
  /** Comma-separated sources that saw it: `tag`, `api`, `shopify`, `woocommerce` (0025). */
  sources: ColumnType<string, string | undefined, string>;
  /** 1 when no visitor was known (a server-side order nobody could tie to a visit). */
  unattributed: ColumnType<number, number | undefined, number>;
  /** The contact a server-reported order named (by e-mail or user id), visitor or not (0063). */
  contact_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** How a touch reached the visitor: a conversation, or the engagement type that was shown (or control). */
export type TouchKindColumn =
  | 'conversation'
  | 'content'
  | 'chat_invitation'
  | 'chat_button'
  | 'offline_message'
  | 'message'
  | 'control';

/** A conversion linked to one touch (an exposure, a control qualification, or a visitor's own conversation). */
export interface AttributionsTable {
  conversion_id: string;
  /** The exposure id, or the conversation id for a conversation the visitor started. */
  touch_id: string;
  account_id: string;
  site_id: string;
  visitor_id: string;
  campaign_id: string | null;
  exposure_id: string | null;
  conversation_id: string | null;
  agent_id: string | null;
  skill_id: string | null;
  /** 1 for a control-group qualification (counted for lift, never credited). */
  control: number;
  touch_kind: TouchKindColumn;
  /** 1 for the single touch credited with the conversion (last touch; a conversation first). */
  credited: number;
  touch_at: Millis;
  window_days: number;
  conversion_kind: ConversionKindColumn;
  conversion_ts: Millis;
  revenue: number;
  /** The conversion's sources, copied (0025). */
  sources: ColumnType<string, string | undefined, string>;
}

/** A shop's order webhook into a site (Shopify `orders/create`, WooCommerce order hooks). */
export interface CommerceReceiversTable {
  /** `crx_…`: also the last part of its receiver URL. */
  id: string;
  account_id: string;
  site_id: string;
  platform: 'shopify' | 'woocommerce';
  /** The HMAC key the shop signs deliveries with. */
  secret: string;
  /** Orders received through it. */
  orders: ColumnType<number, number | undefined, number>;
  last_order_at: Millis | null;
  created_at: Millis;
}

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  user_skills: UserSkillsTable;
  sites: SitesTable;
  skills: SkillsTable;
  api_keys: ApiKeysTable;
  auth_sessions: AuthSessionsTable;
  user_totp: UserTotpTable;
  user_recovery_codes: UserRecoveryCodesTable;
  sso_configs: SsoConfigsTable;
  sso_pending: SsoPendingTable;
  sso_identities: SsoIdentitiesTable;
  settings: SettingsTable;
  visitors: VisitorsTable;
  visitor_sessions: VisitorSessionsTable;
  events: EventsTable;
  event_frames: EventFramesTable;
  campaigns: CampaignsTable;
  exposures: ExposuresTable;
  conversations: ConversationsTable;
  /** SQLite: one row counting every change to a conversation row (triggers; see 0014-conversation-changes.ts). */
  conversation_changes: { n: number };
  /** A view of both tables below: every reader reads messages here. */
  messages: MessagesTable;
  /** Messages moved out of `messages_recent`, and every message of a store that writes here directly. */
  messages_stored: MessagesTable;
  /** A SQLite file store's newest messages, moved to `messages_stored` in bulk (see sqlite-checkpointer.js). */
  messages_recent: MessagesTable;
  attachments: AttachmentsTable;
  canned_responses: CannedResponsesTable;
  mentions: MentionsTable;
  conversation_passes: ConversationPassesTable;
  conversation_assignments: ConversationAssignmentsTable;
  agent_states: AgentStatesTable;
  conversions: ConversionsTable;
  attributions: AttributionsTable;
  commerce_receivers: CommerceReceiversTable;
  models: ModelsTable;
  model_sessions: ModelSessionsTable;
  uplift_models: UpliftModelsTable;
  page_stats: PageStatsTable;
  model_site_settings: ModelSiteSettingsTable;
  contacts: ContactsTable;
  contact_visitors: ContactVisitorsTable;
  contact_notes: ContactNotesTable;
  contact_merges: ContactMergesTable;
  segments: SegmentsTable;
  contact_facts: ContactFactsTable;
  visitor_sections: VisitorSectionsTable;
  visitor_carts: VisitorCartsTable;
  broadcasts: BroadcastsTable;
  broadcast_jobs: BroadcastJobsTable;
  broadcast_recipients: BroadcastRecipientsTable;
  sending_settings: SendingSettingsTable;
  send_slots: SendSlotsTable;
  send_pace: SendPaceTable;
  broadcast_links: BroadcastLinksTable;
  contact_messages: ContactMessagesTable;
  channel_messages: ChannelMessagesTable;
  email_addresses: EmailAddressesTable;
  email_threads: EmailThreadsTable;
  outbox: OutboxTable;
  channel_settings: ChannelSettingsTable;
  csat_surveys: CsatSurveysTable;
  conversation_tokens: ConversationTokensTable;
  app_tokens: AppTokensTable;
  push_devices: PushDevicesTable;
  site_push_settings: SitePushSettingsTable;
  channel_connections: ChannelConnectionsTable;
  contact_identities: ContactIdentitiesTable;
  whatsapp_templates: WhatsAppTemplatesTable;
  contact_consents: ContactConsentsTable;
  calls: CallsTable;
  phone_trunks: PhoneTrunksTable;
  phone_numbers: PhoneNumbersTable;
  phone_voicemails: PhoneVoicemailsTable;
  call_legs: CallLegsTable;
  agent_voice_settings: AgentVoiceSettingsTable;
  callbacks: CallbacksTable;
  call_recordings: CallRecordingsTable;
  webhook_endpoints: WebhookEndpointsTable;
  bots: BotsTable;
  knowledge_articles: KnowledgeArticlesTable;
  answer_generation: AnswerGenerationTable;
  assist_settings: AssistSettingsTable;
  assist_suggestion_counts: AssistSuggestionCountsTable;
  conversation_summaries: ConversationSummariesTable;
  conversation_classifications: ConversationClassificationsTable;
  message_translations: MessageTranslationsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  automation_rules: AutomationRulesTable;
  automation_runs: AutomationRunsTable;
  automation_events: AutomationEventsTable;
  automation_idle: AutomationIdleTable;
  audit_log: AuditLogTable;
  retention_policies: RetentionPoliciesTable;
  retention_sweeps: RetentionSweepsTable;
  away_reasons: AwayReasonsTable;
  masking_settings: MaskingSettingsTable;
  agent_state_log: AgentStateLogTable;
  sla_breaches: SlaBreachesTable;
  sla_sweeps: SlaSweepsTable;
  scheduled_messages: ScheduledMessagesTable;
  conversation_merges: ConversationMergesTable;
  macros: MacrosTable;
  macro_runs: MacroRunsTable;
}

export type { Generated };
