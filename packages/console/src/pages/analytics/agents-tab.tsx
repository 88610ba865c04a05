/** Agents: conversations, first response, handle time, concurrency and utilisation of capacity, CSAT. */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { type AgentsReport, getAgentsReport, type ReportFilters } from '../../api/reports.ts';
import { formatNumber } from '../../components/format.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { t } from '../../i18n/i18n.ts';
import { useLanguage, useT } from '../../i18n/language-context.tsx';
import { AssistUsage } from './assist-usage.tsx';
import { CsvLink } from './csv-link.tsx';
import { ReportError } from './report-error.tsx';
import { formatCount, formatCsat, formatDuration, formatFixed, formatPercent } from './report-format.ts';
import { ReportTableHead } from './report-table-head.tsx';
import { barPaths, countTicks, countValue, UPlotChart } from './uplot-chart.tsx';
import { useReport } from './use-report.ts';
import './report-tables.css';

function chartOptions(names: string[]): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    legend: { show: true },
    cursor: { show: false },
    scales: {
      x: { time: false, range: [-0.5, Math.max(0, names.length - 0.5)] },
      y: { range: (_u, _min, max) => [0, Math.max(4, max)] },
      pct: { range: [0, 100] },
    },
    axes: [
      {
        stroke: '#475467',
        grid: { show: false },
        ticks: { show: false },
        splits: () => names.map((_, i) => i),
        values: () => names,
      },
      {
        stroke: '#667085',
        grid: { stroke: '#eef0f3' },
        ticks: { stroke: '#e4e7ec' },
        size: 48,
        values: countTicks,
      },
      {
        scale: 'pct',
        side: 1,
        stroke: '#667085',
        grid: { show: false },
        size: 56,
        values: (_u, v) => v.map((x) => `${formatNumber(x)} %`),
      },
    ],
    series: [
      { label: t('Agent'), value: (_u, i) => (i == null ? '—' : (names[i] ?? '—')) },
      {
        label: t('Conversations'),
        value: countValue,
        stroke: '#4338ca',
        fill: 'rgba(67,56,202,0.75)',
        paths: barPaths,
        points: { show: false },
      },
      {
        label: t('Utilisation'),
        value: (_u, v) => (v == null ? '—' : `${formatNumber(v)} %`),
        scale: 'pct',
        stroke: '#dc6803',
        width: 0,
        points: { show: true, size: 9, fill: '#dc6803' },
      },
    ],
  };
}

type StateTime = AgentsReport['agents'][number]['states'][number];

const secondsIn = (states: StateTime[], state: StateTime['state']) =>
  states.filter((s) => s.state === state).reduce((sum, s) => sum + s.seconds, 0);

/** Time online, away (with each reason beneath) and offline over the range, from the state log. */
function StateCells({ states }: { states: StateTime[] }) {
  const t = useT();
  const away = states.filter((s) => s.state === 'away' && s.seconds >= 1);
  // No state on record in the range (the agent never signed in since states were kept).
  if (states.length === 0)
    return (
      <>
        <td className="cell-number" data-label={t('Online')}>
          —
        </td>
        <td className="cell-number" data-label={t('Away')}>
          —
        </td>
        <td className="cell-number" data-label={t('Offline')}>
          —
        </td>
      </>
    );
  return (
    <>
      <td className="cell-number" data-label={t('Online')} data-state="online">
        {formatDuration(secondsIn(states, 'online'))}
      </td>
      <td className="cell-number" data-label={t('Away')} data-state="away">
        {formatDuration(secondsIn(states, 'away'))}
        {away.length > 0 && (
          <div className="muted cell-sub">
            {away.map((s) => `${s.reason ?? t('No reason')} ${formatDuration(s.seconds)}`).join(' · ')}
          </div>
        )}
      </td>
      <td className="cell-number" data-label={t('Offline')} data-state="offline">
        {formatDuration(secondsIn(states, 'offline'))}
      </td>
    </>
  );
}

export function AgentsTab({ filters }: { filters: ReportFilters }) {
  const t = useT();
  const { lang } = useLanguage();
  const report = useReport(getAgentsReport, filters);
  const agents = report.data?.agents;
  const names = useMemo(() => (agents ?? []).map((a) => a.name), [agents]);
  const nameById = useMemo(() => new Map((agents ?? []).map((a) => [a.agentId, a.name])), [agents]);
  // Built again on a language switch: the series' names are in it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the labels follow the language
  const options = useMemo(() => chartOptions(names), [names, lang]);
  const data = useMemo<uPlot.AlignedData>(
    () => [
      (agents ?? []).map((_, i) => i),
      (agents ?? []).map((a) => a.conversations),
      (agents ?? []).map((a) => (a.utilisation === null ? null : Math.round(a.utilisation * 1000) / 10)),
    ],
    [agents],
  );
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  if (!agents) return <LoadingState label={t('Loading agents…')} />;

  return (
    <>
      <div className="report" data-testid="agents-report">
        {agents.length > 0 ? (
          <div className="chart-card">
            <h3 className="chart-title">{t('Conversations and utilisation of capacity')}</h3>
            <UPlotChart
              options={options}
              data={data}
              height={220}
              label={t('Conversations and utilisation per agent')}
              testId="agents-chart"
            />
          </div>
        ) : null}
        <div className="table-toolbar">
          <p className="muted">
            {t(
              'Concurrency is the average number of chats open at once while an agent had any; utilisation divides it by the agent’s capacity. Time in each state comes from the agents’ status changes.',
            )}
          </p>
          <CsvLink path="agents" filters={filters} label={t('Download CSV of agents')} />
        </div>
        <div className="table-wrap">
          <table className="table table-compact table-dense">
            <ReportTableHead
              first={t('Agent')}
              figures={[
                t('Chats'),
                t('First response'),
                t('Handle time'),
                t('Busy'),
                t('Concurrency'),
                t('Peak'),
                t('Utilisation'),
                t('CSAT'),
                t('Missed offers'),
                t('Transferred'),
                t('Macros'),
              ]}
            />
            <tbody>
              {agents.map((a) => (
                <tr key={a.agentId} data-testid={`agent-${a.agentId}`}>
                  <th scope="row" className="cell-strong">
                    {a.name}
                    <div className="muted cell-sub">
                      {t('capacity {capacity}', { capacity: formatCount(a.capacity) })}
                    </div>
                  </th>
                  <td className="cell-number" data-label={t('Chats')}>
                    {formatCount(a.conversations)}
                  </td>
                  <td className="cell-number" data-label={t('First response')}>
                    {formatDuration(a.avgFirstResponseSeconds)}
                  </td>
                  <td className="cell-number" data-label={t('Handle time')}>
                    {formatDuration(a.avgHandleSeconds)}
                  </td>
                  <td className="cell-number" data-label={t('Busy')}>
                    {formatDuration(Math.round(a.busyHours * 60) * 60)}
                  </td>
                  <td className="cell-number" data-label={t('Concurrency')}>
                    {a.avgConcurrency === null ? '—' : formatFixed(a.avgConcurrency, 2)}
                  </td>
                  <td className="cell-number" data-label={t('Peak')}>
                    {formatCount(a.peakConcurrency)}
                  </td>
                  <td className="cell-number" data-label={t('Utilisation')}>
                    {formatPercent(a.utilisation)}
                  </td>
                  <td className="cell-number" data-label="CSAT">
                    {formatCsat(a.csatAverage, a.csatResponses)}
                  </td>
                  <td className="cell-number" data-label={t('Missed offers')}>
                    {formatCount(a.missedOffers)}
                  </td>
                  <td className="cell-number" data-label={t('Transferred')}>
                    {formatCount(a.transferredAway)}
                  </td>
                  <td className="cell-number" data-label={t('Macros')} data-testid="agent-macro-runs">
                    {formatCount(a.macroRuns)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {agents.length > 0 && (
        <div className="table-wrap agent-states-table">
          <table className="table table-compact" data-testid="agent-states">
            <caption className="table-caption">{t('Time in each state')}</caption>
            <ReportTableHead first={t('Agent')} figures={[t('Online'), t('Away'), t('Offline')]} />
            <tbody>
              {agents.map((a) => (
                <tr key={a.agentId} data-testid={`agent-states-${a.agentId}`}>
                  <th scope="row" className="cell-strong">
                    {a.name}
                  </th>
                  <StateCells states={a.states} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {agents.length > 0 && <AssistUsage names={nameById} />}
    </>
  );
}
