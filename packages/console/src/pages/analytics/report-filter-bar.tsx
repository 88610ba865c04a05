/** The period and the site, campaign, skill and agent every report tab is narrowed by. */
import { useCallback } from 'react';
import { listCampaigns } from '../../api/campaigns.ts';
import type { ReportFilters } from '../../api/reports.ts';
import { listSites } from '../../api/sites.ts';
import { listSkills } from '../../api/skills.ts';
import { listUsers } from '../../api/users.ts';
import { useResource } from '../../components/use-resource.ts';
import { t } from '../../i18n/i18n.ts';
import { useT } from '../../i18n/language-context.tsx';
import { daysAgo } from './report-format.ts';

const PRESETS = [1, 7, 30, 90];

/** A preset's button: "Today", else "7 days". */
const presetLabel = (days: number) =>
  days === 1 ? t('Today') : t('{days, plural, one {# day} other {# days}}', { days });

/** The last `days` days up to today, in the viewer's time zone. */
export function presetRange(days: number): Pick<ReportFilters, 'from' | 'to'> {
  return { from: daysAgo(days - 1), to: daysAgo(0) };
}

interface Props {
  filters: ReportFilters;
  onChange: (next: ReportFilters) => void;
}

export function ReportFilterBar({ filters, onChange }: Props) {
  const t = useT();
  const options = useResource(
    useCallback(async () => {
      const [sites, campaigns, skills, users] = await Promise.all([
        listSites(),
        listCampaigns(),
        listSkills(),
        listUsers(),
      ]);
      return { sites, campaigns, skills, agents: users.filter((u) => u.role !== 'analyst') };
    }, []),
  );
  const set = (patch: Partial<ReportFilters>) => onChange({ ...filters, ...patch });
  const o = options.data;
  const today = daysAgo(0);

  return (
    <form className="filter-bar" aria-label={t('Report filters')} onSubmit={(e) => e.preventDefault()}>
      <fieldset className="filter-presets" aria-label={t('Period')}>
        {PRESETS.map((days) => {
          const range = presetRange(days);
          const current = range.from === filters.from && range.to === filters.to;
          return (
            <button
              key={days}
              type="button"
              className={current ? 'segment segment-current' : 'segment'}
              aria-pressed={current}
              onClick={() => set(range)}
            >
              {presetLabel(days)}
            </button>
          );
        })}
      </fieldset>
      <label className="filter">
        <span className="filter-label">{t('From')}</span>
        <input
          className="input input-compact"
          type="date"
          value={filters.from}
          max={filters.to}
          onChange={(e) => e.target.value && set({ from: e.target.value })}
        />
      </label>
      <label className="filter">
        <span className="filter-label">{t('To')}</span>
        <input
          className="input input-compact"
          type="date"
          value={filters.to}
          min={filters.from}
          max={today}
          onChange={(e) => e.target.value && set({ to: e.target.value })}
        />
      </label>
      <label className="filter">
        <span className="filter-label">{t('Site')}</span>
        <select
          className="input select input-compact"
          value={filters.siteId}
          onChange={(e) => set({ siteId: e.target.value })}
        >
          <option value="">{t('All sites')}</option>
          {o?.sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span className="filter-label">{t('Campaign')}</span>
        <select
          className="input select input-compact"
          value={filters.campaignId}
          onChange={(e) => set({ campaignId: e.target.value })}
        >
          <option value="">{t('All campaigns')}</option>
          {o?.campaigns.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span className="filter-label">{t('Skill')}</span>
        <select
          className="input select input-compact"
          value={filters.skillId}
          onChange={(e) => set({ skillId: e.target.value })}
        >
          <option value="">{t('All skills')}</option>
          {o?.skills.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span className="filter-label">{t('Agent')}</span>
        <select
          className="input select input-compact"
          value={filters.agentId}
          onChange={(e) => set({ agentId: e.target.value })}
        >
          <option value="">{t('All agents')}</option>
          {o?.agents.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
