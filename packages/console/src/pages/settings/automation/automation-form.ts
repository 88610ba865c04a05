/** The editor's working copy of a rule: each condition and action as a draft with every field a string. */
import type {
  AutomationAction,
  AutomationCondition,
  AutomationRule,
  AutomationTrigger,
} from '../../../api/automation.ts';
import { t } from '../../../i18n/i18n.ts';

export type TriggerType = AutomationTrigger['type'];
export type ConditionType = AutomationCondition['type'];
export type ActionType = AutomationAction['type'];

/** One condition or action being edited: its type and the fields its type uses. */
export interface Draft<T extends string> {
  key: number;
  type: T;
  /** The main value: words, an id, a channel, a number, an address. */
  value: string;
  /** A second value where the type has one: the attribute's key, an operator. */
  extra: string;
}

export interface RuleForm {
  name: string;
  enabled: boolean;
  trigger: TriggerType;
  minutes: string;
  anyone: boolean;
  conditions: Draft<ConditionType>[];
  actions: Draft<ActionType>[];
}

let keys = 0;
export const draft = <T extends string>(type: T, value = '', extra = ''): Draft<T> => ({
  key: ++keys,
  type,
  value,
  extra,
});

/** Sensible second values per type, so a new row is valid as soon as its main value is. */
export const CONDITION_DEFAULT_EXTRA: Partial<Record<ConditionType, string>> = {
  contact_attribute: 'equals',
  purchase_score: 'at_least',
  business_hours: 'open',
};

export function emptyForm(): RuleForm {
  return {
    name: '',
    enabled: true,
    trigger: 'message.received',
    minutes: '30',
    anyone: false,
    conditions: [],
    actions: [draft<ActionType>('add_tags')],
  };
}

function conditionDraft(c: AutomationCondition): Draft<ConditionType> {
  switch (c.type) {
    case 'text_contains':
      return draft(c.type, c.any.join(', '));
    case 'channel':
    case 'skill':
    case 'site':
      return draft(c.type, c.in[0] ?? '');
    case 'contact_attribute':
      return draft(c.type, c.value ?? '', `${c.op}:${c.key}`);
    case 'business_hours':
      return draft(c.type, '', c.open ? 'open' : 'closed');
    case 'purchase_score':
      return draft(c.type, String(Math.round(c.value * 100)), c.op);
    case 'intent':
      return draft(c.type, c.in.join(', '));
    case 'sentiment':
      return draft(c.type, c.in[0] ?? '');
  }
}

function actionDraft(a: AutomationAction): Draft<ActionType> {
  switch (a.type) {
    case 'add_tags':
      return draft(a.type, a.tags.join(', '));
    case 'assign_skill':
      return draft(a.type, a.skillId);
    case 'assign_agent':
      return draft(a.type, a.agentId);
    case 'set_priority':
      return draft(a.type, String(a.priority));
    case 'send_canned':
      return draft(a.type, a.cannedId);
    case 'snooze':
      return draft(a.type, String(a.minutes));
    case 'resolve':
      return draft(a.type);
    case 'send_webhook':
      return draft(a.type, a.endpointId);
    case 'notify_email':
      return draft(a.type, a.to);
  }
}

/** A stored rule as a form. */
export function formOf(rule: AutomationRule): RuleForm {
  const t = rule.trigger;
  return {
    name: rule.name,
    enabled: rule.enabled,
    trigger: t.type,
    minutes: t.type === 'conversation.idle' ? String(t.minutes) : '30',
    anyone: t.type === 'message.received' && t.from === 'anyone',
    conditions: rule.conditions.map(conditionDraft),
    actions: rule.actions.map(actionDraft),
  };
}

const words = (s: string) =>
  s
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);

/** The attribute condition keeps its operator and key together in `extra` ("equals:plan"). */
export const attributeParts = (extra: string) => {
  const i = extra.indexOf(':');
  return i < 0 ? { op: extra || 'equals', key: '' } : { op: extra.slice(0, i), key: extra.slice(i + 1) };
};

/** The rule the form describes, or the first fault (with the row it is on) in words. */
export function ruleOf(
  f: RuleForm,
):
  | { ok: true; trigger: AutomationTrigger; conditions: AutomationCondition[]; actions: AutomationAction[] }
  | { ok: false; fault: string } {
  let trigger: AutomationTrigger;
  if (f.trigger === 'conversation.idle') {
    const minutes = Number(f.minutes);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 10_080)
      return {
        ok: false,
        fault: t('Quiet for: enter minutes between {min} and {max}.', { min: '1', max: '10080' }),
      };
    trigger = { type: 'conversation.idle', minutes };
  } else if (f.trigger === 'message.received') {
    trigger = f.anyone ? { type: 'message.received', from: 'anyone' } : { type: 'message.received' };
  } else trigger = { type: f.trigger };

  const conditions: AutomationCondition[] = [];
  for (const [i, c] of f.conditions.entries()) {
    const at = t('Condition {n}', { n: i + 1 });
    switch (c.type) {
      case 'text_contains': {
        const any = words(c.value);
        if (any.length === 0) return { ok: false, fault: t('{row}: enter a word or phrase.', { row: at }) };
        conditions.push({ type: c.type, any });
        break;
      }
      case 'channel':
        if (!c.value) return { ok: false, fault: t('{row}: choose a channel.', { row: at }) };
        conditions.push({ type: c.type, in: [c.value as 'web'] });
        break;
      case 'skill':
      case 'site':
        if (!c.value)
          return {
            ok: false,
            fault:
              c.type === 'skill'
                ? t('{row}: choose a skill.', { row: at })
                : t('{row}: choose a site.', { row: at }),
          };
        conditions.push({ type: c.type, in: [c.value] });
        break;
      case 'contact_attribute': {
        const { op, key } = attributeParts(c.extra);
        if (!key.trim()) return { ok: false, fault: t('{row}: name the attribute.', { row: at }) };
        const cond: AutomationCondition =
          op === 'exists'
            ? { type: c.type, key: key.trim(), op: 'exists' }
            : {
                type: c.type,
                key: key.trim(),
                op: op === 'contains' ? 'contains' : 'equals',
                value: c.value,
              };
        conditions.push(cond);
        break;
      }
      case 'business_hours':
        conditions.push({ type: c.type, open: c.extra !== 'closed' });
        break;
      case 'purchase_score': {
        const pct = Number(c.value);
        if (c.value === '' || !(pct >= 0 && pct <= 100))
          return { ok: false, fault: t('{row}: enter a score between 0 and 100 %.', { row: at }) };
        conditions.push({ type: c.type, op: c.extra === 'below' ? 'below' : 'at_least', value: pct / 100 });
        break;
      }
      case 'intent': {
        const intents = words(c.value);
        if (intents.length === 0) return { ok: false, fault: t('{row}: enter an intent.', { row: at }) };
        conditions.push({ type: c.type, in: intents });
        break;
      }
      case 'sentiment':
        if (!c.value) return { ok: false, fault: t('{row}: choose a sentiment.', { row: at }) };
        conditions.push({ type: c.type, in: [c.value as 'negative'] });
        break;
    }
  }

  const actions: AutomationAction[] = [];
  if (f.actions.length === 0) return { ok: false, fault: t('Add at least one action.') };
  for (const [i, a] of f.actions.entries()) {
    const at = t('Action {n}', { n: i + 1 });
    switch (a.type) {
      case 'add_tags': {
        const tags = words(a.value);
        if (tags.length === 0) return { ok: false, fault: t('{row}: enter a tag.', { row: at }) };
        actions.push({ type: a.type, tags });
        break;
      }
      case 'assign_skill':
        if (!a.value) return { ok: false, fault: t('{row}: choose a skill.', { row: at }) };
        actions.push({ type: a.type, skillId: a.value });
        break;
      case 'assign_agent':
        if (!a.value) return { ok: false, fault: t('{row}: choose an agent.', { row: at }) };
        actions.push({ type: a.type, agentId: a.value });
        break;
      case 'send_canned':
        if (!a.value) return { ok: false, fault: t('{row}: choose a canned response.', { row: at }) };
        actions.push({ type: a.type, cannedId: a.value });
        break;
      case 'send_webhook':
        if (!a.value) return { ok: false, fault: t('{row}: choose an endpoint.', { row: at }) };
        actions.push({ type: a.type, endpointId: a.value });
        break;
      case 'set_priority': {
        const priority = Number(a.value);
        if (a.value === '' || !Number.isInteger(priority) || priority < 0 || priority > 10)
          return { ok: false, fault: t('{row}: priority is a whole number from 0 to 10.', { row: at }) };
        actions.push({ type: a.type, priority });
        break;
      }
      case 'snooze': {
        const minutes = Number(a.value);
        if (!Number.isInteger(minutes) || minutes < 1)
          return { ok: false, fault: t('{row}: snooze for at least a minute.', { row: at }) };
        actions.push({ type: a.type, minutes });
        break;
      }
      case 'resolve':
        actions.push({ type: a.type });
        break;
      case 'notify_email':
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a.value.trim()))
          return { ok: false, fault: t('{row}: enter an e-mail address.', { row: at }) };
        actions.push({ type: a.type, to: a.value.trim() });
        break;
    }
  }
  return { ok: true, trigger, conditions, actions };
}
