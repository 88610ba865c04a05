/** The period and the site, campaign, skill and agent every report tab is narrowed by. */
import { useCallback } from 'react';
import { listCampaigns } from '../../api/campaigns.ts';
import type { ReportFilters } from '../../api/reports.ts';
import { listSites } from '../../api/sites.ts';
import { listSkills } from '../../api/skills.ts';
import { listUsers } from '../../api/users.ts';
import { useResource } from '../../components/use-resource.ts';
import { daysAgo } from './report-format.ts';

const PRESETS = [
  { days: 1, label: 'Today' },
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
];

/** The last `days` days up to today, in the viewer's time zone. */
export function presetRange(days: number): Pick<ReportFilters, 'from' | 'to'> {
  return { from: daysAgo(days - 1), to: daysAgo(0) };
}

interface Props {
  filters: ReportFilters;
  onChange: (next: ReportFilters) => void;
}

export function ReportFilterBar({ filters, onChange }: Props) {
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
    <form className="filter-bar" aria-label="Report filters" onSubmit={(e) => e.preventDefault()}>
      <fieldset className="filter-presets" aria-label="Period">
        {PRESETS.map((p) => {
          const range = presetRange(p.days);
          const current = range.from === filters.from && range.to === filters.to;
          return (
            <button
              key={p.days}
              type="button"
              className={current ? 'segment segment-current' : 'segment'}
              aria-pressed={current}
              onClick={() => set(range)}
            >
              {p.label}
            </button>
          );
        })}
      </fieldset>
      <label className="filter">
        <span className="filter-label">From</span>
        <input
          className="input input-compact"
          type="date"
          value={filters.from}
          max={filters.to}
          onChange={(e) => e.target.value && set({ from: e.target.value })}
        />
      </label>
      <label className="filter">
        <span className="filter-label">To</span>
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
        <span className="filter-label">Site</span>
        <select
          className="input select input-compact"
          value={filters.siteId}
          onChange={(e) => set({ siteId: e.target.value })}
        >
          <option value="">All sites</option>
          {o?.sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span className="filter-label">Campaign</span>
        <select
          className="input select input-compact"
          value={filters.campaignId}
          onChange={(e) => set({ campaignId: e.target.value })}
        >
          <option value="">All campaigns</option>
          {o?.campaigns.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span className="filter-label">Skill</span>
        <select
          className="input select input-compact"
          value={filters.skillId}
          onChange={(e) => set({ skillId: e.target.value })}
        >
          <option value="">All skills</option>
          {o?.skills.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span className="filter-label">Agent</span>
        <select
          className="input select input-compact"
          value={filters.agentId}
          onChange={(e) => set({ agentId: e.target.value })}
        >
          <option value="">All agents</option>
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
