/** What is happening now: KPI cards and the last hour per minute, refreshed every second without reloading. */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { LiveReport } from '../../api/reports.ts';
import { formatTime } from '../../components/format.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { SectionHeader } from '../../components/page-header.tsx';
import { t } from '../../i18n/i18n.ts';
import { useLanguage, useT } from '../../i18n/language-context.tsx';
import { CsvLink } from './csv-link.tsx';
import { ReportError } from './report-error.tsx';
import { formatCount, formatDuration, formatMoney } from './report-format.ts';
import { countTicks, countValue, timeTicks, UPlotChart } from './uplot-chart.tsx';
import { useLiveReport } from './use-live-report.ts';

interface Kpi {
  id: string;
  label: string;
  value: string;
  note: string;
}

function kpis(l: LiveReport): Kpi[] {
  const queues = l.queues.map((q) => `${q.name} ${formatCount(q.waiting)}`).join(' · ');
  return [
    {
      id: 'visitors',
      label: t('Visitors on site'),
      value: formatCount(l.visitorsNow),
      note: t('Active in the last 5 minutes'),
    },
    {
      id: 'qualified',
      label: t('Qualified'),
      value: formatCount(l.qualified),
      note: t('For a campaign, last 30 minutes'),
    },
    {
      id: 'exposed',
      label: t('Engaged'),
      value: formatCount(l.exposed),
      note: t('Shown an engagement, last 30 minutes'),
    },
    { id: 'queue', label: t('In queue'), value: formatCount(l.inQueue), note: queues || t('No skills yet') },
    {
      id: 'wait',
      label: t('Longest wait'),
      value: l.inQueue > 0 ? formatDuration(l.longestWaitSeconds) : '—',
      note: t('Of the chats waiting now'),
    },
    {
      id: 'chats',
      label: t('Chats active'),
      value: formatCount(l.chatsActive),
      note: t('Being answered now'),
    },
    {
      id: 'agents',
      label: t('Agents online'),
      value: formatCount(l.agentsOnline),
      note: t('{available} available · {atCapacity} at capacity', {
        available: formatCount(l.agentsAvailable),
        atCapacity: formatCount(l.agentsAtCapacity),
      }),
    },
    {
      id: 'first-response',
      label: t('First response'),
      value: formatDuration(l.avgFirstResponseTodaySeconds),
      note: t('Average today, {count, plural, one {# chat} other {# chats}}', {
        count: l.conversationsToday,
      }),
    },
    {
      id: 'conversions',
      label: t('Conversions today'),
      value: formatCount(l.conversionsToday),
      note: t('Revenue {amount}', { amount: formatMoney(l.revenueToday, l.currency) }),
    },
  ];
}

/** The last hour's chart: its clock times, counts and legend in the console's language. */
function trendOptions(): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, n: { range: (_u, _min, max) => [0, Math.max(4, max)] } },
    axes: [
      {
        stroke: '#667085',
        grid: { stroke: '#eef0f3' },
        ticks: { stroke: '#e4e7ec' },
        values: timeTicks((at) => formatTime(at, 'short')),
      },
      {
        scale: 'y',
        stroke: '#667085',
        grid: { stroke: '#eef0f3' },
        ticks: { stroke: '#e4e7ec' },
        size: 48,
        values: countTicks,
      },
      { scale: 'n', side: 1, stroke: '#667085', grid: { show: false }, size: 40, values: countTicks },
    ],
    series: [
      { label: t('Time'), value: (_u, v) => (v == null ? '—' : formatTime(v * 1000, 'short')) },
      {
        label: t('Events'),
        scale: 'y',
        stroke: '#98a2b3',
        fill: 'rgba(152,162,179,0.15)',
        width: 1,
        value: countValue,
      },
      { label: t('Engagements'), scale: 'n', stroke: '#4338ca', width: 2, value: countValue },
      { label: t('Chats'), scale: 'n', stroke: '#0e9384', width: 2, value: countValue },
      {
        label: t('Conversions'),
        scale: 'n',
        stroke: '#dc6803',
        width: 2,
        points: { show: true, size: 5 },
        value: countValue,
      },
    ],
  };
}

export function LiveDashboard({ siteId, tz }: { siteId: string; tz: string }) {
  const t = useT();
  const { lang } = useLanguage();
  const { data, error } = useLiveReport(siteId, tz);
  // Built again when the language changes: the series' names are in it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the labels follow the language
  const options = useMemo(() => trendOptions(), [lang]);
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
        title={t('Live')}
        description={
          <span className="live-status">
            <span className="live-dot" aria-hidden="true" />
            {data ? t('Updated {time}', { time: formatTime(data.at) }) : t('Connecting…')}
          </span>
        }
      />
      {error !== undefined && !data ? <ReportError error={error} /> : null}
      {!data && error === undefined ? <LoadingState label={t('Loading the live dashboard…')} /> : null}
      {data ? (
        <>
          <ul className="kpi-grid" aria-label={t('Now')}>
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
              <h3 className="chart-title">{t('Last hour, per minute')}</h3>
              <CsvLink
                path="live"
                filters={{ from: '', to: '', siteId, campaignId: '', skillId: '', agentId: '', tz }}
                label={t('Download CSV of the last hour')}
              />
            </div>
            <UPlotChart
              options={options}
              data={trend}
              height={180}
              label={t('Events, engagements, chats and conversions per minute over the last hour')}
              testId="live-trend"
            />
          </div>
        </>
      ) : null}
    </section>
  );
}
