/** Readable names for audit actions and targets, in the console's language: `site.updated` reads "Site updated". */
import { t } from '../../../i18n/i18n.ts';

/** A target kind's name ("API key"); an unknown one as its own words. */
export function targetLabel(type: string | null): string {
  if (!type) return '';
  switch (type) {
    case 'auth':
      return t('Sign-in');
    case 'api_key':
      return t('API key');
    case 'sso':
      return t('Single sign-on');
    case 'totp':
      return t('Two-factor sign-in');
    case 'account':
      return t('Account');
    case 'business_hours':
      return t('Business hours');
    case 'canned_response':
      return t('Canned response');
    case 'email_address':
      return t('E-mail address');
    case 'shop_receiver':
      return t('Shop connection');
    case 'privacy':
      return t('Personal data');
    case 'retention':
      return t('Retention');
    case 'user':
      return t('User');
    case 'session':
      return t('Session');
    case 'site':
      return t('Site');
    case 'skill':
      return t('Skill');
    case 'campaign':
      return t('Campaign');
    case 'channel':
      return t('Channel');
    case 'webhook':
      return t('Webhook');
    case 'person':
      return t('Person');
    case 'bot':
      return t('Bot');
    case 'article':
      return t('Article');
    case 'automation_rule':
      return t('Automation rule');
    case 'macro':
      return t('Macro');
    case 'conversation':
      return t('Conversation');
    case 'mention':
      return t('Mention');
    default:
      return capital(words(type));
  }
}

const words = (s: string) => s.replace(/_/g, ' ');
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** What an entry did ("Site updated"); an action this console does not know yet as its own words. */
export function actionLabel(action: string): string {
  switch (action) {
    case 'account.security_changed':
      return t('Sign-in rule changed');
    case 'answer_generation.changed':
      return t('Answer generation changed');
    case 'assist.changed':
      return t('Agent assist changed');
    case 'api_key.created':
      return t('API key created');
    case 'api_key.revoked':
      return t('API key revoked');
    case 'article.created':
      return t('Article created');
    case 'article.deleted':
      return t('Article deleted');
    case 'article.updated':
      return t('Article updated');
    case 'auth.sign_in_failed':
      return t('Sign-in failed');
    case 'auth.signed_in':
      return t('Signed in');
    case 'auth.signed_out':
      return t('Signed out');
    case 'automation_rule.created':
      return t('Automation rule created');
    case 'automation_rule.deleted':
      return t('Automation rule deleted');
    case 'automation_rule.updated':
      return t('Automation rule updated');
    case 'away_reasons.changed':
      return t('Away reasons changed');
    case 'bot.created':
      return t('Bot created');
    case 'bot.deleted':
      return t('Bot deleted');
    case 'bot.updated':
      return t('Bot updated');
    case 'business_hours.changed':
      return t('Business hours changed');
    case 'campaign.created':
      return t('Campaign created');
    case 'campaign.deleted':
      return t('Campaign deleted');
    case 'campaign.updated':
      return t('Campaign updated');
    case 'canned_response.created':
      return t('Canned response created');
    case 'canned_response.deleted':
      return t('Canned response deleted');
    case 'canned_response.updated':
      return t('Canned response updated');
    case 'macro.created':
      return t('Macro created');
    case 'macro.deleted':
      return t('Macro deleted');
    case 'macro.updated':
      return t('Macro updated');
    case 'macro.run':
      return t('Macro run');
    case 'conversation.merged':
      return t('Conversations merged');
    case 'conversation.merge_undone':
      return t('Conversation merge undone');
    case 'conversation.message_scheduled':
      return t('Message scheduled');
    case 'conversation.scheduled_message_changed':
      return t('Scheduled message changed');
    case 'conversation.scheduled_message_cancelled':
      return t('Scheduled message cancelled');
    case 'mention.read':
      return t('Mentions marked read');
    case 'channel.connected':
      return t('Channel connected');
    case 'channel.removed':
      return t('Channel removed');
    case 'channel.settings_changed':
      return t('Channel settings changed');
    case 'channel.templates_synced':
      return t('Channel templates synced');
    case 'channel.tested':
      return t('Channel tested');
    case 'channel.updated':
      return t('Channel updated');
    case 'email_address.added':
      return t('E-mail address added');
    case 'email_address.removed':
      return t('E-mail address removed');
    case 'model.training_started':
      return t('Model training started');
    case 'privacy.erased':
      return t('Personal data erased');
    case 'privacy.exported':
      return t('Personal data exported');
    case 'retention.changed':
      return t('Retention changed');
    case 'retention.swept':
      return t('Old data deleted');
    case 'session.others_revoked':
      return t('Other sessions ended');
    case 'session.revoked':
      return t('Session ended');
    case 'shop_receiver.created':
      return t('Shop connection created');
    case 'shop_receiver.deleted':
      return t('Shop connection deleted');
    case 'shop_receiver.secret_changed':
      return t('Shop connection secret changed');
    case 'site.business_hours_changed':
      return t('Site business hours changed');
    case 'site.created':
      return t('Site created');
    case 'site.deleted':
      return t('Site deleted');
    case 'site.identity_secret_rotated':
      return t('Site identity secret rotated');
    case 'site.model_settings_changed':
      return t('Site model settings changed');
    case 'site.push_settings_changed':
      return t('Site push settings changed');
    case 'site.updated':
      return t('Site updated');
    case 'skill.created':
      return t('Skill created');
    case 'skill.deleted':
      return t('Skill deleted');
    case 'skill.updated':
      return t('Skill updated');
    case 'sso.changed':
      return t('Single sign-on changed');
    case 'sso.removed':
      return t('Single sign-on removed');
    case 'sso.tested':
      return t('Single sign-on tested');
    case 'totp.disabled':
      return t('Two-factor sign-in disabled');
    case 'totp.enabled':
      return t('Two-factor sign-in enabled');
    case 'totp.recovery_codes_renewed':
      return t('Two-factor sign-in recovery codes renewed');
    case 'totp.reset':
      return t('Two-factor sign-in reset');
    case 'totp.setup_started':
      return t('Two-factor sign-in setup started');
    case 'user.console_language_changed':
      return t('User console language changed');
    case 'user.reading_language_changed':
      return t('User reading language changed');
    case 'phone_trunk.created':
      return t('Phone trunk added');
    case 'phone_trunk.updated':
      return t('Phone trunk changed');
    case 'phone_trunk.deleted':
      return t('Phone trunk deleted');
    case 'phone_number.created':
      return t('Phone number set up');
    case 'phone_number.updated':
      return t('Phone number changed');
    case 'call.dialled':
      return t('Phone call dialled');
    case 'user.created':
      return t('User created');
    case 'user.deleted':
      return t('User deleted');
    case 'user.updated':
      return t('User updated');
    case 'user.voice_settings_changed':
      return t('User voice settings changed');
    case 'webhook.created':
      return t('Webhook created');
    case 'webhook.deleted':
      return t('Webhook deleted');
    case 'webhook.delivery_replayed':
      return t('Webhook delivery replayed');
    case 'webhook.replayed':
      return t('Webhook replayed');
    case 'webhook.secret_rotated':
      return t('Webhook secret rotated');
    case 'webhook.updated':
      return t('Webhook updated');
    default: {
      const [noun = '', verb = ''] = action.split('.', 2);
      if (!verb) return action;
      return `${targetLabel(noun)} ${words(verb)}`;
    }
  }
}

/** A filter group's name. */
export function groupLabel(group: AuditGroup): string {
  switch (group) {
    case 'sign-in':
      return t('Sign-in');
    case 'team':
      return t('Team and access');
    case 'set-up':
      return t('Set-up');
    case 'integrations':
      return t('Integrations');
    case 'account':
      return t('Account and data');
    case 'conversations':
      return t('Conversations');
  }
}

type AuditGroup = 'sign-in' | 'team' | 'set-up' | 'integrations' | 'account' | 'conversations';

/** The actions offered in the filter, grouped as people look for them. */
export const ACTION_CHOICES: Array<{ group: AuditGroup; actions: string[] }> = [
  {
    group: 'sign-in',
    actions: [
      'auth.signed_in',
      'auth.sign_in_failed',
      'auth.signed_out',
      'session.revoked',
      'totp.setup_started',
      'totp.enabled',
      'totp.disabled',
      'totp.recovery_codes_renewed',
      'totp.reset',
    ],
  },
  {
    group: 'team',
    actions: ['user.created', 'user.updated', 'api_key.created', 'api_key.revoked'],
  },
  {
    group: 'set-up',
    actions: [
      'site.created',
      'site.updated',
      'skill.created',
      'skill.updated',
      'campaign.created',
      'campaign.updated',
      'macro.created',
      'macro.updated',
      'macro.run',
    ],
  },
  {
    group: 'integrations',
    actions: [
      'channel.connected',
      'channel.removed',
      'webhook.created',
      'webhook.updated',
      'webhook.deleted',
      'phone_trunk.created',
      'phone_trunk.updated',
      'phone_trunk.deleted',
      'phone_number.created',
      'phone_number.updated',
    ],
  },
  {
    group: 'account',
    actions: [
      'account.security_changed',
      'sso.changed',
      'retention.changed',
      'retention.swept',
      'privacy.exported',
      'privacy.erased',
    ],
  },
  {
    group: 'conversations',
    actions: [
      'conversation.merged',
      'conversation.merge_undone',
      'conversation.message_scheduled',
      'conversation.scheduled_message_changed',
      'conversation.scheduled_message_cancelled',
    ],
  },
];

export const TARGET_CHOICES = [
  'user',
  'session',
  'api_key',
  'site',
  'skill',
  'campaign',
  'channel',
  'webhook',
  'account',
  'person',
  'conversation',
];
