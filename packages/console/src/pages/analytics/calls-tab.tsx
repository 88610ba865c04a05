/**
 * Calls: offered, answered and abandoned per day, service levels per skill and agent, callbacks by
 * outcome, and voicemails callers left on phone numbers per day, skill and number.
 */
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
import { t } from '../../i18n/i18n.ts';
import { useT } from '../../i18n/language-context.tsx';
import { CHANNEL_LABELS } from '../conversations/conversation-format.ts';
import { channelLabel } from './channels-tab.tsx';
import { CsvLink } from './csv-link.tsx';
import { type TimeSeries, useTimeChart } from './daily-chart.ts';
import { ReportError } from './report-error.tsx';
import { formatCount, formatDuration, formatPercent } from './report-format.ts';
import { ReportTableHead } from './report-table-head.tsx';
import { UPlotChart } from './uplot-chart.tsx';
import { useReport } from './use-report.ts';
import './report-tables.css';

type CallDay = CallsReport['days'][number];
const SERIES: TimeSeries<CallDay>[] = [
  { label: () => t('Offered'), color: '#4338ca', value: (d) => d.offered },
  { label: () => t('Answered'), color: '#0e9384', value: (d) => d.answered },
  { label: () => t('Abandoned'), color: '#dc6803', value: (d) => d.abandoned },
  { label: () => t('Voicemails'), color: '#7a5af8', value: (d) => d.voicemails },
];
const dayOf = (d: CallDay) => d.day;

/** The figure columns of a calls table, in the console's language. */
const figures = () => [
  t('Offered'),
  t('Answered'),
  t('Abandoned'),
  t('Missed rings'),
  t('Avg wait'),
  t('90 % wait'),
  t('Avg talk'),
  t('Total talk'),
  t('On hold'),
  t('Transfers'),
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
  const t = useT();
  return (
    <tr className={total ? 'row-total' : undefined} data-testid={testId}>
      <th scope="row" className={total ? undefined : 'cell-strong'}>
        {label}
      </th>
      <td className="cell-number" data-label={t('Offered')}>
        {formatCount(c.offered)}
      </td>
      <td className="cell-number" data-label={t('Answered')}>
        {formatCount(c.answered)}
        <div className="muted cell-sub">{formatPercent(c.answerRate)}</div>
      </td>
      <td className="cell-number" data-label={t('Abandoned')}>
        {formatCount(c.abandoned)}
      </td>
      <td className="cell-number" data-label={t('Missed rings')}>
        {formatCount(c.missed)}
      </td>
      <td className="cell-number" data-label={t('Avg wait')}>
        {formatDuration(c.avgWaitSeconds)}
      </td>
      <td className="cell-number" data-label={t('90 % wait')}>
        {formatDuration(c.p90WaitSeconds)}
      </td>
      <td className="cell-number" data-label={t('Avg talk')}>
        {formatDuration(c.avgTalkSeconds)}
      </td>
      <td className="cell-number" data-label={t('Total talk')}>
        {formatDuration(c.totalTalkSeconds)}
      </td>
      <td className="cell-number" data-label={t('On hold')}>
        {formatDuration(c.holdSeconds)}
      </td>
      <td className="cell-number" data-label={t('Transfers')}>
        {formatCount(c.transfers)}
      </td>
    </tr>
  );
}

/** The callbacks' outcomes, each with its name in the console's language. */
const outcomes = (): Array<[keyof CallbackFigures, string]> => [
  ['requested', t('Requested')],
  ['scheduled', t('Waiting for their time')],
  ['queued', t('In the queue now')],
  ['reached', t('Reached')],
  ['noAnswer', t('No answer')],
  ['wrongNumber', t('Wrong number')],
  ['rescheduled', t('Rescheduled at least once')],
];

/** The funnel's call step: visitors shown a call engagement, who accepted, whose call was answered, who bought. */
function CallStep({ filters }: { filters: ReportFilters }) {
  const t = useT();
  const funnel = useReport(getFunnel, filters);
  const c = funnel.data?.calls;
  if (!c || c.offered === 0) return null;
  const steps: Array<[string, number, number | null]> = [
    [t('Shown a call engagement'), c.offered, null],
    [t('Accepted'), c.accepted, c.offered],
    [t('Call answered'), c.answered, c.accepted],
    [t('Converted'), c.converted, c.answered],
  ];
  return (
    <div className="chart-card" data-testid="calls-funnel">
      <h3 className="chart-title">{t('From call engagements')}</h3>
      <ol className="kpi-grid kpi-grid-compact" aria-label={t('Call engagement funnel')}>
        {steps.map(([label, n, of]) => (
          <li key={label} className="kpi-card">
            <span className="kpi-label">{label}</span>
            <span className="kpi-value">{formatCount(n)}</span>
            <span className="kpi-note">
              {of === null
                ? t('visitors')
                : t('{share} of the step before', { share: formatPercent(of ? n / of : null) })}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}

export function CallsTab({ filters }: { filters: ReportFilters }) {
  const t = useT();
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
      <span className="filter-label">{t('Channel')}</span>
      <select
        className="input select input-compact"
        value={channel}
        onChange={(e) => setChannel(e.target.value)}
        data-testid="calls-channel"
      >
        <option value="">{t('All channels')}</option>
        {Object.keys(CHANNEL_LABELS).map((value) => (
          <option key={value} value={value}>
            {channelLabel(value)}
          </option>
        ))}
      </select>
    </label>
  );

  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  if (!r) return <LoadingState label={t('Loading calls…')} />;
  if (r.total.offered === 0 && r.callbacks.requested === 0 && r.total.voicemails === 0)
    return (
      <>
        <div className="table-toolbar">{channelPicker}</div>
        <EmptyState icon={<PhoneIcon />} title={t('No calls in this period')} testId="calls-empty">
          {t(
            'Calls visitors make from the chat or a “Call us” button, and the callbacks they ask for, appear here: how many were answered, how long callers waited and talked, per skill and per agent. Widen the dates or clear a filter.',
          )}
        </EmptyState>
      </>
    );
  const sum = r.total;
  const cb = r.callbacks;
  const extra = channel ? { channel } : undefined;

  return (
    <div className="report" data-testid="calls-report">
      <div className="table-toolbar">{channelPicker}</div>
      <ul className="kpi-grid kpi-grid-compact" aria-label={t('Period totals')}>
        <li className="kpi-card">
          <span className="kpi-label">{t('Calls offered')}</span>
          <span className="kpi-value" data-testid="calls-offered">
            {formatCount(sum.offered)}
          </span>
          <span className="kpi-note">{t('{share} answered', { share: formatPercent(sum.answerRate) })}</span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">{t('Abandoned')}</span>
          <span className="kpi-value">{formatCount(sum.abandoned)}</span>
          <span className="kpi-note">
            {t('{count, plural, one {# ring} other {# rings}} passed on', { count: sum.missed })}
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">{t('Wait to answer')}</span>
          <span className="kpi-value">{formatDuration(sum.avgWaitSeconds)}</span>
          <span className="kpi-note">
            {t('9 in 10 within {duration}', { duration: formatDuration(sum.p90WaitSeconds) })}
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">{t('Talk time')}</span>
          <span className="kpi-value">{formatDuration(sum.avgTalkSeconds)}</span>
          <span className="kpi-note">
            {t('{total} in all · {hold} on hold', {
              total: formatDuration(sum.totalTalkSeconds),
              hold: formatDuration(sum.holdSeconds),
            })}
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">{t('Callbacks')}</span>
          <span className="kpi-value">{formatCount(cb.requested)}</span>
          <span className="kpi-note">
            {t('{reached} reached · {open} open', {
              reached: formatCount(cb.reached),
              open: formatCount(cb.scheduled + cb.queued),
            })}
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">{t('Voicemails')}</span>
          <span className="kpi-value" data-testid="calls-voicemails">
            {formatCount(sum.voicemails)}
          </span>
          <span className="kpi-note">{t('left on phone numbers after hours')}</span>
        </li>
      </ul>
      <div className="chart-card">
        <h3 className="chart-title">{hourly ? t('Per hour') : t('Per day')}</h3>
        <UPlotChart
          options={options}
          data={data}
          height={220}
          label={
            hourly
              ? t('Calls offered, answered and abandoned, and voicemails, per hour')
              : t('Calls offered, answered and abandoned, and voicemails, per day')
          }
          testId="calls-chart"
        />
      </div>
      <CallStep filters={filters} />
      <div className="table-toolbar">
        <h3 className="chart-title">{t('By skill')}</h3>
        <CsvLink path="calls" filters={filters} label={t('Download CSV of calls')} extra={extra} />
      </div>
      <div className="table-wrap">
        <table className="table table-compact table-dense" data-testid="calls-skills">
          <ReportTableHead first={t('Skill')} figures={figures()} />
          <tbody>
            {r.skills.map((s) => (
              <Row
                key={s.skillId ?? '-'}
                label={s.name}
                c={s}
                testId={`calls-skill-${s.skillId ?? 'none'}`}
              />
            ))}
            <Row label={t('Total')} c={sum} total testId="calls-total" />
          </tbody>
        </table>
      </div>
      <h3 className="chart-title">{t('By agent')}</h3>
      {r.agents.length === 0 ? (
        <p className="muted">{t('No agent was rung in this period.')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact table-dense" data-testid="calls-agents">
            <ReportTableHead first={t('Agent')} figures={figures()} />
            <tbody>
              {r.agents.map((a) => (
                <Row key={a.agentId} label={a.name} c={a} testId={`calls-agent-${a.agentId}`} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3 className="chart-title">{t('Callbacks')}</h3>
      <div className="table-wrap">
        <table className="table table-compact" data-testid="calls-callbacks">
          <ReportTableHead first={t('Callbacks asked for in the period')} figures={[t('Count')]} />
          <tbody>
            {outcomes().map(([key, label]) => (
              <tr key={key}>
                <th scope="row">{label}</th>
                <td className="cell-number" data-label={t('Count')}>
                  {formatCount(cb[key])}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.numbers.length > 0 && (
        <>
          <h3 className="chart-title">{t('Voicemails by number')}</h3>
          <div className="table-wrap">
            <table className="table table-compact" data-testid="calls-numbers">
              <ReportTableHead first={t('Phone number')} figures={[t('Voicemails')]} />
              <tbody>
                {r.numbers.map((n) => (
                  <tr key={n.number}>
                    <th scope="row">{n.number}</th>
                    <td className="cell-number" data-label={t('Voicemails')}>
                      {formatCount(n.voicemails)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p className="muted">
        {t(
          'Wait runs from the request to the answer. Abandoned calls ended before anyone answered: the visitor hung up, or no agent answered. A transferred call counts for every agent who had it, each with their own wait and talk.',
        )}
      </p>
    </div>
  );
}
