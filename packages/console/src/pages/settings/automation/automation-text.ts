/** How automation rules read in plain words: "When a customer writes … and … then …". */
import type { AutomationAction, AutomationCondition, AutomationTrigger } from '../../../api/automation.ts';
import { formatNumber } from '../../../components/format.ts';
import { sentimentLabel } from '../../../components/sentiment.ts';
import { t } from '../../../i18n/i18n.ts';

/** Names the summary uses for the account's skills, agents, canned responses and endpoints. */
export interface RuleNames {
  skill: (id: string) => string;
  agent: (id: string) => string;
  canned: (id: string) => string;
  endpoint: (id: string) => string;
  site: (id: string) => string;
}

/** The triggers' names in the editor, in the console's language. */
export function triggerLabels(): Record<AutomationTrigger['type'], string> {
  return {
    'conversation.created': t('A conversation starts'),
    'message.received': t('A message arrives'),
    'conversation.idle': t('A conversation goes quiet'),
    'conversation.resolved': t('A conversation is resolved'),
    'csat.received': t('A customer rates a conversation'),
    'contact.identified': t('A new contact is identified'),
    'conversation.classified': t('Intent or sentiment is set'),
  };
}

/** The conditions' names in the editor. */
export function conditionLabels(): Record<AutomationCondition['type'], string> {
  return {
    text_contains: t('Text contains'),
    channel: t('Channel is'),
    skill: t('Skill is'),
    site: t('Site is'),
    contact_attribute: t('Contact attribute'),
    business_hours: t('Business hours'),
    purchase_score: t('Purchase score'),
    intent: t('Intent is'),
    sentiment: t('Sentiment is'),
  };
}

/** The actions' names in the editor and the run log. */
export function actionLabels(): Record<AutomationAction['type'], string> {
  return {
    add_tags: t('Add tags'),
    assign_skill: t('Assign to a skill'),
    assign_agent: t('Assign to an agent'),
    set_priority: t('Set priority'),
    send_canned: t('Send a canned message'),
    snooze: t('Snooze'),
    resolve: t('Resolve'),
    send_webhook: t('Send a webhook'),
    notify_email: t('Notify by e-mail'),
  };
}

const quoted = (word: string) => t('“{word}”', { word });
const quoteList = (words: readonly string[]) => words.map(quoted).join(` ${t('or')} `);
const orList = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${t('or')} ${items.at(-1)}`;
const minutesText = (m: number) =>
  m % 1440 === 0
    ? t('{count, plural, one {# day} other {# days}}', { count: m / 1440 })
    : m % 60 === 0
      ? `${formatNumber(m / 60)} h`
      : `${formatNumber(m)} min`;

export function triggerText(trigger: AutomationTrigger): string {
  switch (trigger.type) {
    case 'conversation.created':
      return t('a conversation starts');
    case 'message.received':
      return trigger.from === 'anyone' ? t('anyone writes a message') : t('a customer writes a message');
    case 'conversation.idle':
      return t('nobody has written in an open conversation for {time}', {
        time: minutesText(trigger.minutes),
      });
    case 'conversation.resolved':
      return t('a conversation is resolved');
    case 'csat.received':
      return t('a customer rates a conversation');
    case 'contact.identified':
      return t('a new contact is identified');
    case 'conversation.classified':
      return t('a conversation’s intent or sentiment is set');
  }
}

export function conditionText(c: AutomationCondition, n: RuleNames): string {
  switch (c.type) {
    case 'text_contains':
      return t('the text contains {words}', { words: quoteList(c.any) });
    case 'channel':
      return t('the channel is {channels}', { channels: orList(c.in) });
    case 'skill':
      return t('the skill is {skills}', { skills: orList(c.in.map(n.skill)) });
    case 'site':
      return t('the site is {sites}', { sites: orList(c.in.map(n.site)) });
    case 'contact_attribute':
      return c.op === 'exists'
        ? t('the contact has a {key}', { key: c.key })
        : c.op === 'equals'
          ? t('the contact’s {key} is “{value}”', { key: c.key, value: c.value ?? '' })
          : t('the contact’s {key} contains “{value}”', { key: c.key, value: c.value ?? '' });
    case 'business_hours':
      return c.open ? t('it is within business hours') : t('it is outside business hours');
    case 'purchase_score': {
      const score = `${formatNumber(Math.round(c.value * 100))} %`;
      return c.op === 'at_least'
        ? t('the purchase score is at least {score}', { score })
        : t('the purchase score is below {score}', { score });
    }
    case 'intent':
      return t('the intent is {intents}', { intents: quoteList(c.in) });
    case 'sentiment':
      return t('the sentiment is {sentiments}', { sentiments: orList(c.in.map(sentimentLabel)) });
  }
}

export function actionText(a: AutomationAction, n: RuleNames): string {
  switch (a.type) {
    case 'add_tags':
      return t('tag it {tags}', { tags: a.tags.map(quoted).join(', ') });
    case 'assign_skill':
      return t('assign it to {name}', { name: n.skill(a.skillId) });
    case 'assign_agent':
      return t('assign it to {name}', { name: n.agent(a.agentId) });
    case 'set_priority':
      return t('set its priority to {priority}', { priority: a.priority });
    case 'send_canned':
      return t('send “{title}”', { title: n.canned(a.cannedId) });
    case 'snooze':
      return t('snooze it for {time}', { time: minutesText(a.minutes) });
    case 'resolve':
      return t('resolve it');
    case 'send_webhook':
      return t('post to {url}', { url: n.endpoint(a.endpointId) });
    case 'notify_email':
      return t('e-mail {address}', { address: a.to });
  }
}

/** The whole rule in one sentence. */
export function describeAutomation(
  rule: {
    trigger: AutomationTrigger;
    conditions: readonly AutomationCondition[];
    actions: readonly AutomationAction[];
  },
  n: RuleNames,
): string {
  const and = t('and');
  const conds = rule.conditions.map((c) => conditionText(c, n));
  const conditions = conds.length > 0 ? ` ${and} ${conds.join(` ${and} `)}` : '';
  const acts = rule.actions.map((a) => actionText(a, n));
  const actions =
    acts.length === 0
      ? t('do nothing yet')
      : acts.length === 1
        ? (acts[0] ?? '')
        : `${acts.slice(0, -1).join(', ')} ${and} ${acts.at(-1)}`;
  return t('When {trigger}{conditions}, {actions}.', {
    trigger: triggerText(rule.trigger),
    conditions,
    actions,
  });
}
