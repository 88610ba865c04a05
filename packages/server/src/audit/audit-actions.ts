import type { SummaryMode } from './audit-summary.ts';

/**
 * What the audit log calls each change made through the API, keyed by `METHOD route`. The HTTP
 * hook records a successful call of any route here with its caller; a test lists every mutating
 * `/api/v1` route and fails on one missing from this table, so a new route gets a name here.
 *
 * - `target`: the kind of thing changed. Its id is the route's `:id` (or `:ref`, `:address`), else
 *   the `id` of the answer (a creation).
 * - `details: 'names'`: keep only the names of the fields sent, not their values. Changes to a
 *   person (contact, visitor) keep names only, and no target id, so an erasure leaves nothing here.
 * - `sessions: false`: work rather than configuration (an agent's reply, a note on a contact).
 *   A console user's call is not recorded; an API key's is, since every API-key write is.
 * - `public: true`: reached without signing in (visitors, providers' webhooks, sign-in itself,
 *   which records its own entries).
 */
export interface AuditAction {
  action: string;
  target?: string;
  details?: SummaryMode | 'none';
  sessions?: false;
  public?: true;
}

const work = (action: string, target: string): AuditAction => ({
  action,
  target,
  sessions: false,
  // what is written about a person stays out of the log: only the names of the fields sent
  ...(target === 'contact' || target === 'visitor' ? { details: 'names' as const } : {}),
});
const open = (action: string): AuditAction => ({ action, public: true });

export const AUDIT_ACTIONS: Record<string, AuditAction> = {
  // sign-in and sessions (sign-in and single sign-on record themselves: see auth-routes, sso-routes)
  'POST /api/v1/auth/login': open('auth.signed_in'),
  'POST /api/v1/auth/oidc/start': open('auth.sso_started'),
  'POST /api/v1/auth/logout': { action: 'auth.signed_out', target: 'session' },
  'DELETE /api/v1/me/sessions': { action: 'session.others_revoked', target: 'session' },
  'DELETE /api/v1/me/sessions/:ref': { action: 'session.revoked', target: 'session' },
  'DELETE /api/v1/sessions/:ref': { action: 'session.revoked', target: 'session' },
  // two-factor
  'POST /api/v1/me/totp/setup': { action: 'totp.setup_started', target: 'user', details: 'none' },
  'POST /api/v1/me/totp/enable': { action: 'totp.enabled', target: 'user', details: 'none' },
  'POST /api/v1/me/totp/disable': { action: 'totp.disabled', target: 'user', details: 'none' },
  'POST /api/v1/me/totp/recovery-codes': {
    action: 'totp.recovery_codes_renewed',
    target: 'user',
    details: 'none',
  },
  'DELETE /api/v1/users/:id/totp': { action: 'totp.reset', target: 'user' },
  // account settings
  'PUT /api/v1/account/security': { action: 'account.security_changed', target: 'account' },
  'PUT /api/v1/account/sso': { action: 'sso.changed', target: 'account' },
  'DELETE /api/v1/account/sso': { action: 'sso.removed', target: 'account' },
  'POST /api/v1/account/sso/test': { action: 'sso.tested', target: 'account' },
  'PUT /api/v1/account/retention': { action: 'retention.changed', target: 'account' },
  'PUT /api/v1/account/masking': { action: 'masking.changed', target: 'account' },
  'PUT /api/v1/account/business-hours': { action: 'business_hours.changed', target: 'account' },
  // users and keys
  'POST /api/v1/users': { action: 'user.created', target: 'user' },
  'PATCH /api/v1/users/:id': { action: 'user.updated', target: 'user' },
  'DELETE /api/v1/users/:id': { action: 'user.deleted', target: 'user' },
  'PUT /api/v1/account/away-reasons': { action: 'away_reasons.changed', target: 'account' },
  'PATCH /api/v1/me/voice': { action: 'user.voice_settings_changed', target: 'user' },
  'PUT /api/v1/me/console-language': {
    action: 'user.console_language_changed',
    target: 'user',
    sessions: false,
  },
  'PUT /api/v1/me/reading-language': {
    action: 'user.reading_language_changed',
    target: 'user',
    sessions: false,
  },
  'POST /api/v1/api-keys': { action: 'api_key.created', target: 'api_key' },
  'DELETE /api/v1/api-keys/:id': { action: 'api_key.revoked', target: 'api_key' },
  // sites, skills, campaigns, replies, model
  'POST /api/v1/sites': { action: 'site.created', target: 'site' },
  'PATCH /api/v1/sites/:id': { action: 'site.updated', target: 'site' },
  'DELETE /api/v1/sites/:id': { action: 'site.deleted', target: 'site' },
  'POST /api/v1/sites/:id/identity/rotate': { action: 'site.identity_secret_rotated', target: 'site' },
  'PUT /api/v1/sites/:id/model-settings': { action: 'site.model_settings_changed', target: 'site' },
  'PUT /api/v1/sites/:id/push': { action: 'site.push_settings_changed', target: 'site' },
  'PUT /api/v1/sites/:id/business-hours': { action: 'site.business_hours_changed', target: 'site' },
  'POST /api/v1/skills': { action: 'skill.created', target: 'skill' },
  'PATCH /api/v1/skills/:id': { action: 'skill.updated', target: 'skill' },
  'DELETE /api/v1/skills/:id': { action: 'skill.deleted', target: 'skill' },
  'POST /api/v1/campaigns': { action: 'campaign.created', target: 'campaign' },
  'PATCH /api/v1/campaigns/:id': { action: 'campaign.updated', target: 'campaign' },
  'DELETE /api/v1/campaigns/:id': { action: 'campaign.deleted', target: 'campaign' },
  'POST /api/v1/segments': { action: 'segment.created', target: 'segment' },
  'PATCH /api/v1/segments/:id': { action: 'segment.updated', target: 'segment' },
  'DELETE /api/v1/segments/:id': { action: 'segment.deleted', target: 'segment' },
  'POST /api/v1/broadcasts': { action: 'broadcast.created', target: 'broadcast' },
  'PATCH /api/v1/broadcasts/:id': { action: 'broadcast.updated', target: 'broadcast' },
  'POST /api/v1/broadcasts/:id/cancel': { action: 'broadcast.cancelled', target: 'broadcast' },
  'PUT /api/v1/account/sending': { action: 'sending_settings.changed', target: 'account' },
  // a read with a body: counting a filter changes nothing, so a console user's preview is not recorded
  'POST /api/v1/segments/preview': {
    action: 'segment.previewed',
    target: 'segment',
    sessions: false,
    details: 'none',
  },
  'POST /api/v1/macros': { action: 'macro.created', target: 'macro' },
  'PATCH /api/v1/macros/:id': { action: 'macro.updated', target: 'macro' },
  'DELETE /api/v1/macros/:id': { action: 'macro.deleted', target: 'macro' },
  'POST /api/v1/canned-responses': { action: 'canned_response.created', target: 'canned_response' },
  'PATCH /api/v1/canned-responses/:id': { action: 'canned_response.updated', target: 'canned_response' },
  'DELETE /api/v1/canned-responses/:id': { action: 'canned_response.deleted', target: 'canned_response' },
  'POST /api/v1/model/train': { action: 'model.training_started', target: 'model' },
  // channels, webhooks, shops
  'POST /api/v1/channels': { action: 'channel.connected', target: 'channel' },
  'PATCH /api/v1/channels/:id': { action: 'channel.updated', target: 'channel' },
  'DELETE /api/v1/channels/:id': { action: 'channel.removed', target: 'channel' },
  'POST /api/v1/channels/:id/test': { action: 'channel.tested', target: 'channel' },
  'POST /api/v1/channels/:id/templates/sync': { action: 'channel.templates_synced', target: 'channel' },
  'PUT /api/v1/channels/settings': { action: 'channel.settings_changed', target: 'channel_settings' },
  'POST /api/v1/channels/email/addresses': { action: 'email_address.added', target: 'email_address' },
  'DELETE /api/v1/channels/email/addresses/:address': {
    action: 'email_address.removed',
    target: 'email_address',
  },
  'POST /api/v1/phone/trunks': { action: 'phone_trunk.created', target: 'phone_trunk' },
  'PATCH /api/v1/phone/trunks/:id': { action: 'phone_trunk.updated', target: 'phone_trunk' },
  'DELETE /api/v1/phone/trunks/:id': { action: 'phone_trunk.deleted', target: 'phone_trunk' },
  'POST /api/v1/phone/numbers': { action: 'phone_number.created', target: 'phone_number' },
  'PATCH /api/v1/phone/numbers/:id': { action: 'phone_number.updated', target: 'phone_number' },
  'POST /api/v1/calls/dial': work('call.dialled', 'call'),
  'POST /api/v1/webhooks': { action: 'webhook.created', target: 'webhook' },
  'PATCH /api/v1/webhooks/:id': { action: 'webhook.updated', target: 'webhook' },
  'DELETE /api/v1/webhooks/:id': { action: 'webhook.deleted', target: 'webhook' },
  'POST /api/v1/webhooks/:id/rotate': { action: 'webhook.secret_rotated', target: 'webhook' },
  'POST /api/v1/webhooks/:id/replay': { action: 'webhook.replayed', target: 'webhook' },
  'POST /api/v1/webhooks/:id/deliveries/:deliveryId/replay': {
    action: 'webhook.delivery_replayed',
    target: 'webhook',
  },
  'POST /api/v1/commerce-receivers': { action: 'shop_receiver.created', target: 'shop_receiver' },
  'DELETE /api/v1/commerce-receivers/:id': { action: 'shop_receiver.deleted', target: 'shop_receiver' },
  'PUT /api/v1/commerce-receivers/:id/secret': {
    action: 'shop_receiver.secret_changed',
    target: 'shop_receiver',
  },
  // privacy: the person is never named in the log, so an erasure leaves no trace of them here
  'POST /api/v1/privacy/export': { action: 'privacy.exported', target: 'person', details: 'names' },
  'POST /api/v1/privacy/erase': { action: 'privacy.erased', target: 'person', details: 'names' },
  // work on conversations and contacts: in their own history, not the audit log
  'POST /api/v1/conversations/:id/accept': work('conversation.accepted', 'conversation'),
  'POST /api/v1/conversations/:id/decline': work('conversation.declined', 'conversation'),
  'POST /api/v1/conversations/:id/transfer': work('conversation.transferred', 'conversation'),
  'POST /api/v1/conversations/:id/join': work('conversation.joined', 'conversation'),
  'POST /api/v1/conversations/:id/leave': work('conversation.left', 'conversation'),
  'POST /api/v1/conversations/:id/read': work('conversation.read', 'conversation'),
  'POST /api/v1/conversations/:id/close': work('conversation.closed', 'conversation'),
  'POST /api/v1/conversations/:id/state': work('conversation.state_changed', 'conversation'),
  'POST /api/v1/conversations/:id/attachments': work('conversation.attachment_uploaded', 'conversation'),
  'DELETE /api/v1/contacts/:id/consents/:channel': work('contact.consent_withdrawn', 'contact'),
  'POST /api/v1/conversations/:id/messages': work('conversation.message_sent', 'conversation'),
  // merging conversations: recorded for console users too (it closes one and can be undone)
  'POST /api/v1/conversations/:id/merge': { action: 'conversation.merged', target: 'conversation' },
  'POST /api/v1/conversations/:id/unmerge': { action: 'conversation.merge_undone', target: 'conversation' },
  // a macro run: recorded for console users too, since one click replies, tags, sets the status and assigns
  'POST /api/v1/conversations/:id/macros/:macroId/run': { action: 'macro.run', target: 'conversation' },
  // send later: recorded for console users too, since a line goes out later in the author's name
  'POST /api/v1/conversations/:id/scheduled-messages': {
    action: 'conversation.message_scheduled',
    target: 'conversation',
    details: 'names',
  },
  'PATCH /api/v1/conversations/:id/scheduled-messages/:messageId': {
    action: 'conversation.scheduled_message_changed',
    target: 'conversation',
    details: 'names',
  },
  'DELETE /api/v1/conversations/:id/scheduled-messages/:messageId': {
    action: 'conversation.scheduled_message_cancelled',
    target: 'conversation',
  },
  'POST /api/v1/conversations/:id/messages/:seq/retry': work('conversation.message_retried', 'conversation'),
  'POST /api/v1/conversations/:id/messages/template': work('conversation.template_sent', 'conversation'),
  'POST /api/v1/callbacks/:id/outcome': work('callback.outcome_recorded', 'callback'),
  'POST /api/v1/visitors/:id/invite': work('visitor.invited', 'visitor'),
  'PATCH /api/v1/contacts/:id': work('contact.updated', 'contact'),
  'PUT /api/v1/contacts/:id/consents/:channel': work('contact.consent_changed', 'contact'),
  'POST /api/v1/contacts/:id/merge': work('contact.merged', 'contact'),
  'POST /api/v1/contacts/:id/notes': work('contact.note_added', 'contact'),
  'POST /api/v1/contacts/merges/:id/undo': work('contact.merge_undone', 'contact'),
  'POST /api/v1/conversions': work('conversion.recorded', 'conversion'),
  // reached without signing in
  'POST /api/v1/chat/conversations': open('chat.started'),
  'POST /api/v1/chat/messages': open('chat.message_sent'),
  'POST /api/v1/chat/attachments': open('chat.attachment_uploaded'),
  'POST /api/v1/chat/csat': open('chat.rated'),
  'POST /api/v1/chat/end': open('chat.ended'),
  'POST /api/v1/chat/identify': open('chat.identified'),
  'POST /api/v1/chat/offline': open('chat.offline_message_left'),
  'POST /api/v1/chat/callback': open('callback.requested'),
  'POST /api/v1/chat/read': open('chat.read'),
  'POST /api/v1/chat/transcript-email': open('chat.transcript_requested'),
  'POST /api/v1/channels/email/inbound': open('email.received'),
  'POST /api/v1/messaging/session': open('messaging.session_started'),
  'POST /api/v1/messaging/messages': open('messaging.message_sent'),
  'POST /api/v1/messaging/push-tokens': open('messaging.push_token_registered'),
  // bots and their knowledge base
  'POST /api/v1/bots': { action: 'bot.created', target: 'bot' },
  'PATCH /api/v1/bots/:id': { action: 'bot.updated', target: 'bot' },
  'DELETE /api/v1/bots/:id': { action: 'bot.deleted', target: 'bot' },
  'POST /api/v1/knowledge/articles': { action: 'article.created', target: 'article' },
  'PATCH /api/v1/knowledge/articles/:id': { action: 'article.updated', target: 'article' },
  'DELETE /api/v1/knowledge/articles/:id': { action: 'article.deleted', target: 'article' },
  'PUT /api/v1/knowledge/generation': { action: 'answer_generation.changed', target: 'account' },
  // agent assist
  'PUT /api/v1/assist': { action: 'assist.changed', target: 'account' },
  'POST /api/v1/conversations/:id/suggestions/feedback': work('suggestion.used', 'conversation'),
  'PUT /api/v1/conversations/:id/summary': work('summary.edited', 'conversation'),
  // a bot's turns are work, like an agent's replies
  'POST /api/v1/bot/conversations/:id/messages': work('bot.replied', 'conversation'),
  'POST /api/v1/bot/conversations/:id/handoff': work('bot.handed_off', 'conversation'),
  'POST /api/v1/bot/conversations/:id/resolve': work('bot.resolved', 'conversation'),
  // automation
  'POST /api/v1/automation-rules': { action: 'automation_rule.created', target: 'automation_rule' },
  'PATCH /api/v1/automation-rules/:id': { action: 'automation_rule.updated', target: 'automation_rule' },
  'DELETE /api/v1/automation-rules/:id': { action: 'automation_rule.deleted', target: 'automation_rule' },
  // mentions: a person marks the notes that named them read (work, like a reply)
  'POST /api/v1/mentions/read': work('mention.read', 'mention'),
  // call recordings arrive as the agent's console records: work
  'POST /api/v1/calls/:id/recording/chunks': work('recording.chunk_stored', 'call'),
  'POST /api/v1/calls/:id/recording/finish': work('recording.finished', 'call'),
};

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether a route changes something through the API (the routes this table must name). */
export const isAuditedRoute = (method: string, url: string): boolean =>
  MUTATING.has(method) && url.startsWith('/api/v1/');

/** The entry of a route, or a name made from it (so an unnamed route is still recorded). */
export function auditActionOf(method: string, url: string): AuditAction {
  return AUDIT_ACTIONS[`${method} ${url}`] ?? { action: `${method} ${url}` };
}
