/** One condition or action row of the rule editor: a type picker and the inputs its type needs. */
import type { ReactNode } from 'react';
import { CloseIcon } from '../../../components/icons.tsx';
import {
  type ActionType,
  attributeParts,
  CONDITION_DEFAULT_EXTRA,
  type ConditionType,
  type Draft,
} from './automation-form.ts';
import { ACTION_LABELS, CONDITION_LABELS } from './automation-text.ts';

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
  return (
    <select
      className="input"
      aria-label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    >
      <option value="">{props.options.length === 0 ? props.empty : 'Choose…'}</option>
      {props.options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function Row(props: { index: number; what: string; children: ReactNode; onRemove: () => void }) {
  return (
    <li className="rule-row" data-testid={`rule-${props.what}-row`}>
      {props.children}
      <button
        type="button"
        className="icon-button"
        onClick={props.onRemove}
        aria-label={`Remove ${props.what} ${props.index + 1}`}
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
  const d = props.draft;
  const set = (patch: Partial<Draft<ConditionType>>) => props.onChange({ ...d, ...patch });
  const n = props.index + 1;
  const attr = attributeParts(d.extra);
  return (
    <Row index={props.index} what="condition" onRemove={props.onRemove}>
      <select
        className="input rule-type"
        aria-label={`Condition ${n} type`}
        value={d.type}
        onChange={(e) => {
          const type = e.target.value as ConditionType;
          set({ type, value: '', extra: CONDITION_DEFAULT_EXTRA[type] ?? '' });
        }}
      >
        {Object.entries(CONDITION_LABELS).map(([t, label]) => (
          <option key={t} value={t}>
            {label}
          </option>
        ))}
      </select>
      {d.type === 'text_contains' && (
        <input
          className="input"
          aria-label={`Condition ${n} words`}
          placeholder="refund, return (any of them)"
          value={d.value}
          onChange={(e) => set({ value: e.target.value })}
        />
      )}
      {d.type === 'channel' && (
        <Picker
          label={`Condition ${n} channel`}
          value={d.value}
          onChange={(value) => set({ value })}
          options={CHANNELS.map((c) => ({ id: c, label: c }))}
          empty=""
        />
      )}
      {d.type === 'skill' && (
        <Picker
          label={`Condition ${n} skill`}
          value={d.value}
          onChange={(value) => set({ value })}
          options={props.choices.skills.map((s) => ({ id: s.id, label: s.name }))}
          empty="No skills yet"
        />
      )}
      {d.type === 'site' && (
        <Picker
          label={`Condition ${n} site`}
          value={d.value}
          onChange={(value) => set({ value })}
          options={props.choices.sites.map((s) => ({ id: s.id, label: s.name }))}
          empty="No sites yet"
        />
      )}
      {d.type === 'contact_attribute' && (
        <>
          <input
            className="input"
            aria-label={`Condition ${n} attribute`}
            placeholder="plan"
            value={attr.key}
            onChange={(e) => set({ extra: `${attr.op}:${e.target.value}` })}
          />
          <select
            className="input rule-op"
            aria-label={`Condition ${n} operator`}
            value={attr.op}
            onChange={(e) => set({ extra: `${e.target.value}:${attr.key}` })}
          >
            <option value="equals">is</option>
            <option value="contains">contains</option>
            <option value="exists">is set</option>
          </select>
          {attr.op !== 'exists' && (
            <input
              className="input"
              aria-label={`Condition ${n} value`}
              placeholder="gold"
              value={d.value}
              onChange={(e) => set({ value: e.target.value })}
            />
          )}
        </>
      )}
      {d.type === 'business_hours' && (
        <select
          className="input"
          aria-label={`Condition ${n} hours`}
          value={d.extra || 'open'}
          onChange={(e) => set({ extra: e.target.value })}
        >
          <option value="open">within the skill’s hours</option>
          <option value="closed">outside the skill’s hours</option>
        </select>
      )}
      {d.type === 'purchase_score' && (
        <>
          <select
            className="input rule-op"
            aria-label={`Condition ${n} operator`}
            value={d.extra || 'at_least'}
            onChange={(e) => set({ extra: e.target.value })}
          >
            <option value="at_least">at least</option>
            <option value="below">below</option>
          </select>
          <input
            className="input rule-number"
            aria-label={`Condition ${n} score (%)`}
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
  const d = props.draft;
  const set = (patch: Partial<Draft<ActionType>>) => props.onChange({ ...d, ...patch });
  const n = props.index + 1;
  const c = props.choices;
  const pick = (label: string, options: { id: string; label: string }[], empty: string) => (
    <Picker
      label={`Action ${n} ${label}`}
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
        aria-label={`Action ${n} type`}
        value={d.type}
        onChange={(e) => set({ type: e.target.value as ActionType, value: '' })}
      >
        {Object.entries(ACTION_LABELS).map(([t, label]) => (
          <option key={t} value={t}>
            {label}
          </option>
        ))}
      </select>
      {d.type === 'add_tags' && (
        <input
          className="input"
          aria-label={`Action ${n} tags`}
          placeholder="refund, priority"
          value={d.value}
          onChange={(e) => set({ value: e.target.value })}
        />
      )}
      {d.type === 'assign_skill' &&
        pick(
          'skill',
          c.skills.map((s) => ({ id: s.id, label: s.name })),
          'No skills yet',
        )}
      {d.type === 'assign_agent' &&
        pick(
          'agent',
          c.agents.map((s) => ({ id: s.id, label: s.name })),
          'No agents yet',
        )}
      {d.type === 'send_canned' &&
        pick(
          'canned response',
          c.canned.map((s) => ({ id: s.id, label: s.title })),
          'No canned responses yet',
        )}
      {d.type === 'send_webhook' &&
        pick(
          'endpoint',
          c.endpoints.map((s) => ({ id: s.id, label: s.url })),
          'No webhook endpoints yet',
        )}
      {d.type === 'set_priority' && (
        <input
          className="input rule-number"
          aria-label={`Action ${n} priority`}
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
            aria-label={`Action ${n} minutes`}
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
          aria-label={`Action ${n} address`}
          placeholder="team-lead@example.com"
          value={d.value}
          onChange={(e) => set({ value: e.target.value })}
        />
      )}
    </Row>
  );
}
