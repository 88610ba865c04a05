/** Readable names for audit actions and targets: `site.updated` reads "Site updated". */

const NOUNS: Record<string, string> = {
  auth: 'Sign-in',
  api_key: 'API key',
  sso: 'Single sign-on',
  totp: 'Two-factor sign-in',
  account: 'Account',
  business_hours: 'Business hours',
  canned_response: 'Canned response',
  email_address: 'E-mail address',
  shop_receiver: 'Shop connection',
  privacy: 'Personal data',
  retention: 'Retention',
};

const WHOLE: Record<string, string> = {
  'auth.signed_in': 'Signed in',
  'auth.sign_in_failed': 'Sign-in failed',
  'auth.signed_out': 'Signed out',
  'session.revoked': 'Session ended',
  'session.others_revoked': 'Other sessions ended',
  'privacy.exported': 'Personal data exported',
  'privacy.erased': 'Personal data erased',
  'retention.swept': 'Old data deleted',
  'retention.changed': 'Retention changed',
  'account.security_changed': 'Sign-in rule changed',
};

const words = (s: string) => s.replace(/_/g, ' ');
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function actionLabel(action: string): string {
  if (WHOLE[action]) return WHOLE[action];
  const [noun = '', verb = ''] = action.split('.', 2);
  if (!verb) return action;
  return `${NOUNS[noun] ?? capital(words(noun))} ${words(verb)}`;
}

export function targetLabel(type: string | null): string {
  if (!type) return '';
  return NOUNS[type] ?? capital(words(type));
}

/** The actions offered in the filter, grouped as people look for them. */
export const ACTION_CHOICES: Array<{ group: string; actions: string[] }> = [
  {
    group: 'Sign-in',
    actions: ['auth.signed_in', 'auth.sign_in_failed', 'auth.signed_out', 'session.revoked'],
  },
  {
    group: 'Team and access',
    actions: [
      'user.created',
      'user.updated',
      'api_key.created',
      'api_key.revoked',
      'totp.enabled',
      'totp.reset',
    ],
  },
  {
    group: 'Set-up',
    actions: [
      'site.created',
      'site.updated',
      'skill.created',
      'skill.updated',
      'campaign.created',
      'campaign.updated',
    ],
  },
  {
    group: 'Integrations',
    actions: [
      'channel.connected',
      'channel.removed',
      'webhook.created',
      'webhook.updated',
      'webhook.deleted',
    ],
  },
  {
    group: 'Account and data',
    actions: [
      'account.security_changed',
      'sso.changed',
      'retention.changed',
      'retention.swept',
      'privacy.exported',
      'privacy.erased',
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
];
