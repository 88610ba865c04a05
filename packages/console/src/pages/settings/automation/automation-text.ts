/** How automation rules read in plain words: "When a customer writes … and … then …". */
import type { AutomationAction, AutomationCondition, AutomationTrigger } from '../../../api/automation.ts';

/** Names the summary uses for the account's skills, agents, canned responses and endpoints. */
export interface RuleNames {
  skill: (id: string) => string;
  agent: (id: string) => string;
  canned: (id: string) => string;
  endpoint: (id: string) => string;
  site: (id: string) => string;
}

export const TRIGGER_LABELS: Record<AutomationTrigger['type'], string> = {
  'conversation.created': 'A conversation starts',
  'message.received': 'A message arrives',
  'conversation.idle': 'A conversation goes quiet',
  'conversation.resolved': 'A conversation is resolved',
  'csat.received': 'A customer rates a conversation',
  'contact.identified': 'A new contact is identified',
};

export const CONDITION_LABELS: Record<AutomationCondition['type'], string> = {
  text_contains: 'Text contains',
  channel: 'Channel is',
  skill: 'Skill is',
  site: 'Site is',
  contact_attribute: 'Contact attribute',
  business_hours: 'Business hours',
  purchase_score: 'Purchase score',
};

export const ACTION_LABELS: Record<AutomationAction['type'], string> = {
  add_tags: 'Add tags',
  assign_skill: 'Assign to a skill',
  assign_agent: 'Assign to an agent',
  set_priority: 'Set priority',
  send_canned: 'Send a canned message',
  snooze: 'Snooze',
  resolve: 'Resolve',
  send_webhook: 'Send a webhook',
  notify_email: 'Notify by e-mail',
};

const quoteList = (words: readonly string[]) => words.map((w) => `“${w}”`).join(' or ');
const orList = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
const minutesText = (m: number) =>
  m % 1440 === 0 ? `${m / 1440} day${m === 1440 ? '' : 's'}` : m % 60 === 0 ? `${m / 60} h` : `${m} min`;

export function triggerText(t: AutomationTrigger): string {
  switch (t.type) {
    case 'conversation.created':
      return 'a conversation starts';
    case 'message.received':
      return t.from === 'anyone' ? 'anyone writes a message' : 'a customer writes a message';
    case 'conversation.idle':
      return `nobody has written in an open conversation for ${minutesText(t.minutes)}`;
    case 'conversation.resolved':
      return 'a conversation is resolved';
    case 'csat.received':
      return 'a customer rates a conversation';
    case 'contact.identified':
      return 'a new contact is identified';
  }
}

export function conditionText(c: AutomationCondition, n: RuleNames): string {
  switch (c.type) {
    case 'text_contains':
      return `the text contains ${quoteList(c.any)}`;
    case 'channel':
      return `the channel is ${orList(c.in)}`;
    case 'skill':
      return `the skill is ${orList(c.in.map(n.skill))}`;
    case 'site':
      return `the site is ${orList(c.in.map(n.site))}`;
    case 'contact_attribute':
      return c.op === 'exists'
        ? `the contact has a ${c.key}`
        : `the contact’s ${c.key} ${c.op === 'equals' ? 'is' : 'contains'} “${c.value ?? ''}”`;
    case 'business_hours':
      return c.open ? 'it is within business hours' : 'it is outside business hours';
    case 'purchase_score':
      return `the purchase score is ${c.op === 'at_least' ? 'at least' : 'below'} ${Math.round(c.value * 100)} %`;
  }
}

export function actionText(a: AutomationAction, n: RuleNames): string {
  switch (a.type) {
    case 'add_tags':
      return `tag it ${a.tags.map((t) => `“${t}”`).join(', ')}`;
    case 'assign_skill':
      return `assign it to ${n.skill(a.skillId)}`;
    case 'assign_agent':
      return `assign it to ${n.agent(a.agentId)}`;
    case 'set_priority':
      return `set its priority to ${a.priority}`;
    case 'send_canned':
      return `send “${n.canned(a.cannedId)}”`;
    case 'snooze':
      return `snooze it for ${minutesText(a.minutes)}`;
    case 'resolve':
      return 'resolve it';
    case 'send_webhook':
      return `post to ${n.endpoint(a.endpointId)}`;
    case 'notify_email':
      return `e-mail ${a.to}`;
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
  const when = `When ${triggerText(rule.trigger)}`;
  const conds = rule.conditions.map((c) => conditionText(c, n));
  const condText = conds.length > 0 ? ` and ${conds.join(' and ')}` : '';
  const acts = rule.actions.map((a) => actionText(a, n));
  const then =
    acts.length === 0
      ? ', do nothing yet'
      : `, ${acts.length === 1 ? acts[0] : `${acts.slice(0, -1).join(', ')} and ${acts.at(-1)}`}`;
  return `${when}${condText}${then}.`;
}
