/** Calls: offered, answered and abandoned per day, service levels per skill and agent, callbacks by outcome. */
import { useCallback, useState } from 'react';
import {
  type CallbackFigures,
  type CallFigures,
  type CallsReport,
  getCallsReport,
  getFunnel,
  type ReportFilters,
} from '../../api/reports.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { PhoneIcon } from '../../components/icons.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { CHANNEL_LABELS } from '../conversations/conversation-format.ts';
import { CsvLink } from './csv-link.tsx';
import { type TimeSeries, useTimeChart } from './daily-chart.ts';
import { ReportError } from './report-error.tsx';
import { formatCount, formatDuration, formatPercent } from './report-format.ts';
import { ReportTableHead } from './report-table-head.tsx';
import { UPlotChart } from './uplot-chart.tsx';
import { useReport } from './use-report.ts';

type CallDay = CallsReport['days'][number];
const SERIES: TimeSeries<CallDay>[] = [
  { label: 'Offered', color: '#4338ca', value: (d) => d.offered },
  { label: 'Answered', color: '#0e9384', value: (d) => d.answered },
  { label: 'Abandoned', color: '#dc6803', value: (d) => d.abandoned },
];
const dayOf = (d: CallDay) => d.day;

const FIGURES = [
  'Offered',
  'Answered',
  'Abandoned',
  'Missed rings',
  'Avg wait',
  '90 % wait',
  'Avg talk',
  'Total talk',
  'Hold',
  'Transfers',
];

function Row({
  label,
  c,
  total,
  testId,
}: {
  label: string;
  c: CallFigures;
  total?: boolean;
  testId: string;
}) {
  return (
    <tr className={total ? 'row-total' : undefined} data-testid={testId}>
      <th scope="row" className={total ? undefined : 'cell-strong'}>
        {label}
      </th>
      <td className="cell-number" data-label="Offered">
        {formatCount(c.offered)}
      </td>
      <td className="cell-number" data-label="Answered">
        {formatCount(c.answered)}
        <div className="muted cell-sub">{formatPercent(c.answerRate)}</div>
      </td>
      <td className="cell-number" data-label="Abandoned">
        {formatCount(c.abandoned)}
      </td>
      <td className="cell-number" data-label="Missed rings">
        {formatCount(c.missed)}
      </td>
      <td className="cell-number" data-label="Avg wait">
        {formatDuration(c.avgWaitSeconds)}
      </td>
      <td className="cell-number" data-label="90 % wait">
        {formatDuration(c.p90WaitSeconds)}
      </td>
      <td className="cell-number" data-label="Avg talk">
        {formatDuration(c.avgTalkSeconds)}
      </td>
      <td className="cell-number" data-label="Total talk">
        {formatDuration(c.totalTalkSeconds)}
      </td>
      <td className="cell-number" data-label="Hold">
        {formatDuration(c.holdSeconds)}
      </td>
      <td className="cell-number" data-label="Transfers">
        {formatCount(c.transfers)}
      </td>
    </tr>
  );
}

const OUTCOMES: Array<[keyof CallbackFigures, string]> = [
  ['requested', 'Requested'],
  ['scheduled', 'Waiting for their time'],
  ['queued', 'In the queue now'],
  ['reached', 'Reached'],
  ['noAnswer', 'No answer'],
  ['wrongNumber', 'Wrong number'],
  ['rescheduled', 'Rescheduled at least once'],
];

/** The funnel's call step: visitors shown a call engagement, who accepted, whose call was answered, who bought. */
function CallStep({ filters }: { filters: ReportFilters }) {
  const funnel = useReport(getFunnel, filters);
  const c = funnel.data?.calls;
  if (!c || c.offered === 0) return null;
  const steps: Array<[string, number, number | null]> = [
    ['Shown a call engagement', c.offered, null],
    ['Accepted', c.accepted, c.offered],
    ['Call answered', c.answered, c.accepted],
    ['Converted', c.converted, c.answered],
  ];
  return (
    <div className="chart-card" data-testid="calls-funnel">
      <h3 className="chart-title">From call engagements</h3>
      <ol className="kpi-grid kpi-grid-compact" aria-label="Call engagement funnel">
        {steps.map(([label, n, of]) => (
          <li key={label} className="kpi-card">
            <span className="kpi-label">{label}</span>
            <span className="kpi-value">{formatCount(n)}</span>
            <span className="kpi-note">
              {of === null ? 'visitors' : `${formatPercent(of ? n / of : null)} of the step before`}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}

export function CallsTab({ filters }: { filters: ReportFilters }) {
  const [channel, setChannel] = useState('');
  const load = useCallback(
    (f: ReportFilters) => getCallsReport({ ...f, ...(channel ? { channel } : {}) }),
    [channel],
  );
  const report = useReport(load, filters);
  const r = report.data;
  const { hourly, options, data } = useTimeChart(SERIES, dayOf, r);

  const channelPicker = (
    <label className="filter">
      <span className="filter-label">Channel</span>
      <select
        className="input select input-compact"
        value={channel}
        onChange={(e) => setChannel(e.target.value)}
        data-testid="calls-channel"
      >
        <option value="">All channels</option>
        {Object.entries(CHANNEL_LABELS).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );

  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  if (!r) return <LoadingState label="Loading calls…" />;
  if (r.total.offered === 0 && r.callbacks.requested === 0)
    return (
      <>
        <div className="table-toolbar">{channelPicker}</div>
        <EmptyState icon={<PhoneIcon />} title="No calls in this period" testId="calls-empty">
          Calls visitors make from the chat or a “Call us” button, and the callbacks they ask for, appear
          here: how many were answered, how long callers waited and talked, per skill and per agent. Widen the
          dates or clear a filter.
        </EmptyState>
      </>
    );
  const t = r.total;
  const cb = r.callbacks;
  const extra = channel ? { channel } : undefined;

  return (
    <div className="report" data-testid="calls-report">
      <div className="table-toolbar">{channelPicker}</div>
      <ul className="kpi-grid kpi-grid-compact" aria-label="Period totals">
        <li className="kpi-card">
          <span className="kpi-label">Calls offered</span>
          <span className="kpi-value" data-testid="calls-offered">
            {formatCount(t.offered)}
          </span>
          <span className="kpi-note">{formatPercent(t.answerRate)} answered</span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">Abandoned</span>
          <span className="kpi-value">{formatCount(t.abandoned)}</span>
          <span className="kpi-note">
            {formatCount(t.missed)} {t.missed === 1 ? 'ring' : 'rings'} passed on
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">Wait to answer</span>
          <span className="kpi-value">{formatDuration(t.avgWaitSeconds)}</span>
          <span className="kpi-note">9 in 10 within {formatDuration(t.p90WaitSeconds)}</span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">Talk time</span>
          <span className="kpi-value">{formatDuration(t.avgTalkSeconds)}</span>
          <span className="kpi-note">
            {formatDuration(t.totalTalkSeconds)} in all · {formatDuration(t.holdSeconds)} on hold
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">Callbacks</span>
          <span className="kpi-value">{formatCount(cb.requested)}</span>
          <span className="kpi-note">
            {formatCount(cb.reached)} reached · {formatCount(cb.scheduled + cb.queued)} open
          </span>
        </li>
      </ul>
      <div className="chart-card">
        <h3 className="chart-title">{hourly ? 'Per hour' : 'Per day'}</h3>
        <UPlotChart
          options={options}
          data={data}
          height={220}
          label={`Calls offered, answered and abandoned per ${hourly ? 'hour' : 'day'}`}
          testId="calls-chart"
        />
      </div>
      <CallStep filters={filters} />
      <div className="table-toolbar">
        <h3 className="chart-title">By skill</h3>
        <CsvLink path="calls" filters={filters} label="calls" extra={extra} />
      </div>
      <div className="table-wrap">
        <table className="table table-compact" data-testid="calls-skills">
          <ReportTableHead first="Skill" figures={FIGURES} />
          <tbody>
            {r.skills.map((s) => (
              <Row
                key={s.skillId ?? '-'}
                label={s.name}
                c={s}
                testId={`calls-skill-${s.skillId ?? 'none'}`}
              />
            ))}
            <Row label="Total" c={t} total testId="calls-total" />
          </tbody>
        </table>
      </div>
      <h3 className="chart-title">By agent</h3>
      {r.agents.length === 0 ? (
        <p className="muted">No agent was rung in this period.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact" data-testid="calls-agents">
            <ReportTableHead first="Agent" figures={FIGURES} />
            <tbody>
              {r.agents.map((a) => (
                <Row key={a.agentId} label={a.name} c={a} testId={`calls-agent-${a.agentId}`} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3 className="chart-title">Callbacks</h3>
      <div className="table-wrap">
        <table className="table table-compact" data-testid="calls-callbacks">
          <ReportTableHead first="Callbacks asked for in the period" figures={['Count']} />
          <tbody>
            {OUTCOMES.map(([key, label]) => (
              <tr key={key}>
                <th scope="row">{label}</th>
                <td className="cell-number" data-label="Count">
                  {formatCount(cb[key])}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        Wait runs from the request to the answer. Abandoned calls ended before anyone answered: the visitor
        hung up, or no agent answered. A transferred call counts for every agent who had it, each with their
        own wait and talk.
      </p>
    </div>
  );
}
