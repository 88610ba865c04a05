/** One condition or action row of the rule editor: a type picker and the inputs its type needs. */
import type { ReactNode } from 'react';
import { CloseIcon } from '../../../components/icons.tsx';
import { SENTIMENTS, sentimentLabel } from '../../../components/sentiment.ts';
import { useT } from '../../../i18n/language-context.tsx';
import {
  type ActionType,
  attributeParts,
  CONDITION_DEFAULT_EXTRA,
  type ConditionType,
  type Draft,
} from './automation-form.ts';
import { actionLabels, conditionLabels } from './automation-text.ts';

/** What the pickers offer: the account's skills, agents, sites, canned responses and endpoints. */
export interface Choices {
  skills: { id: string; name: string }[];
  agents: { id: string; name: string }[];
  sites: { id: string; name: string }[];
  canned: { id: string; title: string }[];
  endpoints: { id: string; url: string }[];
}

const CHANNELS = [
  'web',
  'app',
  'email',
  'api',
  'messenger',
  'whatsapp',
  'instagram',
  'telegram',
  'sms',
  'voice',
];

function Picker(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: { id: string; label: string }[];
  empty: string;
}) {
  const t = useT();
  return (
    <select
      className="input"
      aria-label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    >
      <option value="">{props.options.length === 0 ? props.empty : t('Choose…')}</option>
      {props.options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function Row(props: {
  index: number;
  what: 'condition' | 'action';
  children: ReactNode;
  onRemove: () => void;
}) {
  const t = useT();
  const n = props.index + 1;
  return (
    <li className="rule-row" data-testid={`rule-${props.what}-row`}>
      {props.children}
      <button
        type="button"
        className="icon-button"
        onClick={props.onRemove}
        aria-label={
          props.what === 'condition' ? t('Remove condition {n}', { n }) : t('Remove action {n}', { n })
        }
      >
        <CloseIcon />
      </button>
    </li>
  );
}

export function ConditionRow(props: {
  index: number;
  draft: Draft<ConditionType>;
  choices: Choices;
  onChange: (d: Draft<ConditionType>) => void;
  onRemove: () => void;
}) {
  const t = useT();
  const d = props.draft;
  const set = (patch: Partial<Draft<ConditionType>>) => props.onChange({ ...d, ...patch });
  const n = props.index + 1;
  const attr = attributeParts(d.extra);
  return (
    <Row index={props.index} what="condition" onRemove={props.onRemove}>
      <select
        className="input rule-type"
        aria-label={t('Condition {n} type', { n })}
        value={d.type}
        onChange={(e) => {
          const type = e.target.value as ConditionType;
          set({ type, value: '', extra: CONDITION_DEFAULT_EXTRA[type] ?? '' });
        }}
      >
        {Object.entries(conditionLabels()).map(([type, label]) => (
          <option key={type} value={type}>
            {label}
          </option>
        ))}
      </select>
      {d.type === 'text_contains' && (
        <input
          className="input"
          aria-label={t('Condition {n} words', { n })}
          placeholder={t('refund, return (any of them)')}
          value={d.value}
          onChange={(e) => set({ value: e.target.value })}
        />
      )}
      {d.type === 'channel' && (
        <Picker
          label={t('Condition {n} channel', { n })}
          value={d.value}
          onChange={(value) => set({ value })}
          options={CHANNELS.map((c) => ({ id: c, label: c }))}
          empty=""
        />
      )}
      {d.type === 'skill' && (
        <Picker
          label={t('Condition {n} skill', { n })}
          value={d.value}
          onChange={(value) => set({ value })}
          options={props.choices.skills.map((s) => ({ id: s.id, label: s.name }))}
          empty={t('No skills yet')}
        />
      )}
      {d.type === 'site' && (
        <Picker
          label={t('Condition {n} site', { n })}
          value={d.value}
          onChange={(value) => set({ value })}
          options={props.choices.sites.map((s) => ({ id: s.id, label: s.name }))}
          empty={t('No sites yet')}
        />
      )}
      {d.type === 'contact_attribute' && (
        <>
          <input
            className="input"
            aria-label={t('Condition {n} attribute', { n })}
            placeholder={t('plan')}
            value={attr.key}
            onChange={(e) => set({ extra: `${attr.op}:${e.target.value}` })}
          />
          <select
            className="input rule-op"
            aria-label={t('Condition {n} operator', { n })}
            value={attr.op}
            onChange={(e) => set({ extra: `${e.target.value}:${attr.key}` })}
          >
            <option value="equals">{t('is')}</option>
            <option value="contains">{t('contains')}</option>
            <option value="exists">{t('is set')}</option>
          </select>
          {attr.op !== 'exists' && (
            <input
              className="input"
              aria-label={t('Condition {n} value', { n })}
              placeholder={t('gold')}
              value={d.value}
              onChange={(e) => set({ value: e.target.value })}
            />
          )}
        </>
      )}
      {d.type === 'intent' && (
        <input
          className="input"
          aria-label={t('Condition {n} intents', { n })}
          placeholder={t('return, order status (any of them)')}
          value={d.value}
          onChange={(e) => set({ value: e.target.value })}
        />
      )}
      {d.type === 'sentiment' && (
        <Picker
          label={t('Condition {n} sentiment', { n })}
          value={d.value}
          onChange={(value) => set({ value })}
          options={SENTIMENTS.map((s) => ({ id: s, label: sentimentLabel(s) }))}
          empty=""
        />
      )}
      {d.type === 'business_hours' && (
        <select
          className="input"
          aria-label={t('Condition {n} hours', { n })}
          value={d.extra || 'open'}
          onChange={(e) => set({ extra: e.target.value })}
        >
          <option value="open">{t('within the skill’s hours')}</option>
          <option value="closed">{t('outside the skill’s hours')}</option>
        </select>
      )}
      {d.type === 'purchase_score' && (
        <>
          <select
            className="input rule-op"
            aria-label={t('Condition {n} operator', { n })}
            value={d.extra || 'at_least'}
            onChange={(e) => set({ extra: e.target.value })}
          >
            <option value="at_least">{t('at least')}</option>
            <option value="below">{t('below')}</option>
          </select>
          <input
            className="input rule-number"
            aria-label={t('Condition {n} score (%)', { n })}
            inputMode="numeric"
            placeholder="60"
            value={d.value}
            onChange={(e) => set({ value: e.target.value.replace(/[^\d]/g, '') })}
          />
          <span className="muted">%</span>
        </>
      )}
    </Row>
  );
}

export function ActionRow(props: {
  index: number;
  draft: Draft<ActionType>;
  choices: Choices;
  onChange: (d: Draft<ActionType>) => void;
  onRemove: () => void;
}) {
  const t = useT();
  const d = props.draft;
  const set = (patch: Partial<Draft<ActionType>>) => props.onChange({ ...d, ...patch });
  const n = props.index + 1;
  const c = props.choices;
  const pick = (label: string, options: { id: string; label: string }[], empty: string) => (
    <Picker
      label={label}
      value={d.value}
      onChange={(value) => set({ value })}
      options={options}
      empty={empty}
    />
  );
  return (
    <Row index={props.index} what="action" onRemove={props.onRemove}>
      <select
        className="input rule-type"
        aria-label={t('Action {n} type', { n })}
        value={d.type}
        onChange={(e) => set({ type: e.target.value as ActionType, value: '' })}
      >
        {Object.entries(actionLabels()).map(([type, label]) => (
          <option key={type} value={type}>
            {label}
          </option>
        ))}
      </select>
      {d.type === 'add_tags' && (
        <input
          className="input"
          aria-label={t('Action {n} tags', { n })}
          placeholder={t('refund, priority')}
          value={d.value}
          onChange={(e) => set({ value: e.target.value })}
        />
      )}
      {d.type === 'assign_skill' &&
        pick(
          t('Action {n} skill', { n }),
          c.skills.map((s) => ({ id: s.id, label: s.name })),
          t('No skills yet'),
        )}
      {d.type === 'assign_agent' &&
        pick(
          t('Action {n} agent', { n }),
          c.agents.map((s) => ({ id: s.id, label: s.name })),
          t('No agents yet'),
        )}
      {d.type === 'send_canned' &&
        pick(
          t('Action {n} canned response', { n }),
          c.canned.map((s) => ({ id: s.id, label: s.title })),
          t('No canned responses yet'),
        )}
      {d.type === 'send_webhook' &&
        pick(
          t('Action {n} endpoint', { n }),
          c.endpoints.map((s) => ({ id: s.id, label: s.url })),
          t('No webhook endpoints yet'),
        )}
      {d.type === 'set_priority' && (
        <input
          className="input rule-number"
          aria-label={t('Action {n} priority', { n })}
          inputMode="numeric"
          placeholder="0–10"
          value={d.value}
          onChange={(e) => set({ value: e.target.value.replace(/[^\d]/g, '') })}
        />
      )}
      {d.type === 'snooze' && (
        <>
          <input
            className="input rule-number"
            aria-label={t('Action {n} minutes', { n })}
            inputMode="numeric"
            placeholder="60"
            value={d.value}
            onChange={(e) => set({ value: e.target.value.replace(/[^\d]/g, '') })}
          />
          <span className="muted">min</span>
        </>
      )}
      {d.type === 'notify_email' && (
        <input
          className="input"
          type="email"
          aria-label={t('Action {n} address', { n })}
          placeholder="team-lead@example.com"
          value={d.value}
          onChange={(e) => set({ value: e.target.value })}
        />
      )}
    </Row>
  );
}
