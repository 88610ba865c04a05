/** What is happening now: KPI cards and the last hour per minute, refreshed every second without reloading. */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { LiveReport } from '../../api/reports.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { SectionHeader } from '../../components/page-header.tsx';
import { CsvLink } from './csv-link.tsx';
import { ReportError } from './report-error.tsx';
import { formatCount, formatCountOf, formatDuration, formatMoney } from './report-format.ts';
import { UPlotChart } from './uplot-chart.tsx';
import { useLiveReport } from './use-live-report.ts';

interface Kpi {
  id: string;
  label: string;
  value: string;
  note: string;
}

function kpis(l: LiveReport): Kpi[] {
  const queues = l.queues.map((q) => `${q.name} ${q.waiting}`).join(' · ');
  return [
    {
      id: 'visitors',
      label: 'Visitors on site',
      value: formatCount(l.visitorsNow),
      note: 'Active in the last 5 minutes',
    },
    {
      id: 'qualified',
      label: 'Qualified',
      value: formatCount(l.qualified),
      note: 'For a campaign, last 30 minutes',
    },
    {
      id: 'exposed',
      label: 'Engaged',
      value: formatCount(l.exposed),
      note: 'Shown an engagement, last 30 minutes',
    },
    { id: 'queue', label: 'In queue', value: formatCount(l.inQueue), note: queues || 'No skills yet' },
    {
      id: 'wait',
      label: 'Longest wait',
      value: l.inQueue > 0 ? formatDuration(l.longestWaitSeconds) : '—',
      note: 'Of the chats waiting now',
    },
    { id: 'chats', label: 'Chats active', value: formatCount(l.chatsActive), note: 'Being answered now' },
    {
      id: 'agents',
      label: 'Agents online',
      value: formatCount(l.agentsOnline),
      note: `${l.agentsAvailable} available · ${l.agentsAtCapacity} at capacity`,
    },
    {
      id: 'first-response',
      label: 'First response',
      value: formatDuration(l.avgFirstResponseTodaySeconds),
      note: `Average today, ${formatCountOf(l.conversationsToday, 'chat', 'chats')}`,
    },
    {
      id: 'conversions',
      label: 'Conversions today',
      value: formatCount(l.conversionsToday),
      note: `Revenue ${formatMoney(l.revenueToday, l.currency)}`,
    },
  ];
}

const TREND_OPTIONS: Omit<uPlot.Options, 'width' | 'height'> = {
  legend: { show: true },
  cursor: { drag: { x: false, y: false } },
  scales: { x: { time: true }, n: { range: (_u, _min, max) => [0, Math.max(4, max)] } },
  axes: [
    { stroke: '#667085', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e4e7ec' } },
    { scale: 'y', stroke: '#667085', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e4e7ec' }, size: 48 },
    { scale: 'n', side: 1, stroke: '#667085', grid: { show: false }, size: 40 },
  ],
  series: [
    {},
    { label: 'Events', scale: 'y', stroke: '#98a2b3', fill: 'rgba(152,162,179,0.15)', width: 1 },
    { label: 'Engagements', scale: 'n', stroke: '#4338ca', width: 2 },
    { label: 'Chats', scale: 'n', stroke: '#0e9384', width: 2 },
    { label: 'Conversions', scale: 'n', stroke: '#dc6803', width: 2, points: { show: true, size: 5 } },
  ],
};

export function LiveDashboard({ siteId, tz }: { siteId: string; tz: string }) {
  const { data, error } = useLiveReport(siteId, tz);
  const trend = useMemo<uPlot.AlignedData>(() => {
    const points = data?.trend ?? [];
    return [
      points.map((p) => Date.parse(p.at) / 1000),
      points.map((p) => p.events),
      points.map((p) => p.exposures),
      points.map((p) => p.conversations),
      points.map((p) => p.conversions),
    ];
  }, [data]);

  return (
    <section className="analytics-live" aria-labelledby="live-title" data-testid="live-dashboard">
      <SectionHeader
        id="live-title"
        title="Live"
        description={
          <span className="live-status">
            <span className="live-dot" aria-hidden="true" />
            {data ? `Updated ${new Date(data.at).toLocaleTimeString()}` : 'Connecting…'}
          </span>
        }
      />
      {error !== undefined && !data ? <ReportError error={error} /> : null}
      {!data && error === undefined ? <LoadingState label="Loading the live dashboard…" /> : null}
      {data ? (
        <>
          <ul className="kpi-grid" aria-label="Now">
            {kpis(data).map((k) => (
              <li key={k.id} className="kpi-card" data-testid={`kpi-${k.id}`}>
                <span className="kpi-label">{k.label}</span>
                <span className="kpi-value">{k.value}</span>
                <span className="kpi-note">{k.note}</span>
              </li>
            ))}
          </ul>
          <div className="chart-card">
            <div className="table-toolbar">
              <h3 className="chart-title">Last hour, per minute</h3>
              <CsvLink
                path="live"
                filters={{ from: '', to: '', siteId, campaignId: '', skillId: '', agentId: '', tz }}
                label="the last hour"
              />
            </div>
            <UPlotChart
              options={TREND_OPTIONS}
              data={trend}
              height={180}
              label="Events, engagements, chats and conversions per minute over the last hour"
              testId="live-trend"
            />
          </div>
        </>
      ) : null}
    </section>
  );
}
