/** The history's search bar: text, status, agent (supervisors), skill, dates and CSAT. */
import { useEffect, useId, useState } from 'react';
import { CloseIcon } from '../../../components/icons.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { CHANNEL_LABELS } from '../conversation-format.ts';
import { useDirectory } from '../directory.tsx';
import {
  CSAT_OPTIONS,
  type CsatFilter,
  EMPTY_FILTERS,
  type HistoryFilters,
  hasFilters,
} from './history-filters.ts';

interface HistoryFilterBarProps {
  filters: HistoryFilters;
  onChange: (filters: HistoryFilters) => void;
  /** Supervisors search everyone's chats and may filter by agent. */
  supervisor: boolean;
}

/** The channels a conversation can come from today, in the order people use them. */
const CHANNEL_CHOICES = ['web', 'email', 'app', 'whatsapp', 'telegram', 'sms'] as const;

export function HistoryFilterBar({ filters, onChange, supervisor }: HistoryFilterBarProps) {
  const id = useId();
  const t = useT();
  const { users, skills } = useDirectory();
  const [text, setText] = useState(filters.q);
  const agents = users.filter((u) => u.role !== 'analyst');

  // Search a moment after the last key, not on every key.
  useEffect(() => {
    if (text.trim() === filters.q.trim()) return;
    const timer = window.setTimeout(() => onChange({ ...filters, q: text }), 300);
    return () => window.clearTimeout(timer);
  }, [text, filters, onChange]);

  const set = (patch: Partial<HistoryFilters>) => onChange({ ...filters, ...patch });
  const datesInverted = filters.from && filters.to && filters.from > filters.to;

  return (
    <search
      className="toolbar history-toolbar"
      aria-label={t('Search conversations')}
      data-testid="history-filters"
    >
      <div className="toolbar-field toolbar-search">
        <label className="toolbar-label" htmlFor={`${id}-q`}>
          {t('Search')}
        </label>
        <input
          id={`${id}-q`}
          className="input"
          type="search"
          placeholder={t('Words in messages, a name, an e-mail…')}
          value={text}
          maxLength={200}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <div className="toolbar-field">
        <label className="toolbar-label" htmlFor={`${id}-status`}>
          {t('Status')}
        </label>
        <select
          id={`${id}-status`}
          className="input select"
          value={filters.status}
          onChange={(e) => set({ status: e.target.value as HistoryFilters['status'] })}
        >
          <option value="">{t('Any status')}</option>
          <option value="closed">{t('Closed')}</option>
          <option value="active">{t('Active')}</option>
          <option value="queued">{t('Waiting')}</option>
          <option value="offline">{t('Offline messages')}</option>
        </select>
      </div>
      <div className="toolbar-field">
        <label className="toolbar-label" htmlFor={`${id}-channel`}>
          {t('Channel')}
        </label>
        <select
          id={`${id}-channel`}
          className="input select"
          value={filters.channel}
          onChange={(e) => set({ channel: e.target.value as HistoryFilters['channel'] })}
        >
          <option value="">{t('Any channel')}</option>
          {CHANNEL_CHOICES.map((c) => (
            <option key={c} value={c}>
              {CHANNEL_LABELS[c]}
            </option>
          ))}
        </select>
      </div>
      {supervisor && (
        <div className="toolbar-field">
          <label className="toolbar-label" htmlFor={`${id}-agent`}>
            {t('Agent')}
          </label>
          <select
            id={`${id}-agent`}
            className="input select"
            value={filters.agentId}
            onChange={(e) => set({ agentId: e.target.value })}
          >
            <option value="">{t('Any agent')}</option>
            {agents.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="toolbar-field">
        <label className="toolbar-label" htmlFor={`${id}-skill`}>
          {t('Skill')}
        </label>
        <select
          id={`${id}-skill`}
          className="input select"
          value={filters.skillId}
          onChange={(e) => set({ skillId: e.target.value })}
        >
          <option value="">{t('Any skill')}</option>
          {skills.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="toolbar-field toolbar-fieldset">
        <legend className="toolbar-label">{t('Started between')}</legend>
        <div className="date-range">
          <input
            className="input"
            type="date"
            aria-label={t('From')}
            value={filters.from}
            max={filters.to || undefined}
            onChange={(e) => set({ from: e.target.value })}
          />
          <span aria-hidden="true">–</span>
          <input
            className="input"
            type="date"
            aria-label={t('To')}
            value={filters.to}
            min={filters.from || undefined}
            aria-invalid={datesInverted ? true : undefined}
            onChange={(e) => set({ to: e.target.value })}
          />
        </div>
      </fieldset>
      <div className="toolbar-field">
        <label className="toolbar-label" htmlFor={`${id}-csat`}>
          CSAT
        </label>
        <select
          id={`${id}-csat`}
          className="input select"
          value={filters.csat}
          onChange={(e) => set({ csat: e.target.value as CsatFilter })}
        >
          {CSAT_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      {hasFilters(filters) && (
        <button
          type="button"
          className="button button-ghost toolbar-clear"
          onClick={() => {
            setText('');
            onChange(EMPTY_FILTERS);
          }}
        >
          <CloseIcon />
          {t('Clear')}
        </button>
      )}
    </search>
  );
}
