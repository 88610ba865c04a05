/** Conversations: volume per day, answered, missed and abandoned, service times and CSAT. */
import { type ConversationFigures, getConversationsReport, type ReportFilters } from '../../api/reports.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { CsvLink } from './csv-link.tsx';
import { type TimeSeries, useTimeChart } from './daily-chart.ts';
import { ReportError } from './report-error.tsx';
import { formatCount, formatCountOf, formatDuration, formatPercent } from './report-format.ts';
import { ReportTableHead } from './report-table-head.tsx';
import { UPlotChart } from './uplot-chart.tsx';
import { useReport } from './use-report.ts';

const SERIES: TimeSeries<ConversationFigures>[] = [
  { label: 'Conversations', color: '#4338ca', value: (d) => d.conversations },
  { label: 'Answered', color: '#0e9384', value: (d) => d.answered },
  { label: 'Missed', color: '#d92d20', value: (d) => d.missed },
  { label: 'Abandoned', color: '#dc6803', value: (d) => d.abandoned },
];
const dayOf = (d: ConversationFigures) => d.day;

function Row({ r, total }: { r: ConversationFigures; total?: boolean }) {
  return (
    <tr className={total ? 'row-total' : undefined} data-testid={total ? 'conversations-total' : undefined}>
      <th scope="row">{total ? 'Total' : r.day}</th>
      <td className="cell-number" data-label="Chats">
        {formatCount(r.conversations)}
      </td>
      <td className="cell-number" data-label="Answered">
        {formatCount(r.answered)}
      </td>
      <td className="cell-number" data-label="Missed">
        {formatCount(r.missed)}
      </td>
      <td className="cell-number" data-label="Abandoned">
        {formatCount(r.abandoned)}
      </td>
      <td className="cell-number" data-label="Transferred">
        {formatCount(r.transferred)}
      </td>
      <td className="cell-number" data-label="Avg wait">
        {formatDuration(r.avgWaitSeconds)}
      </td>
      <td className="cell-number" data-label="First response">
        {formatDuration(r.avgFirstResponseSeconds)}
      </td>
      <td className="cell-number" data-label="Handle time">
        {formatDuration(r.avgHandleSeconds)}
      </td>
      <td className="cell-number" data-label="CSAT">
        {r.csatAverage === null ? '—' : `${r.csatAverage.toFixed(2)} (${r.csatResponses})`}
      </td>
    </tr>
  );
}

export function ConversationsTab({ filters }: { filters: ReportFilters }) {
  const report = useReport(getConversationsReport, filters);
  const c = report.data;
  const { hourly, options, data } = useTimeChart(SERIES, dayOf, c);
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  if (!c) return <LoadingState label="Loading conversations…" />;
  const t = c.total;

  return (
    <div className="report" data-testid="conversations-report">
      <ul className="kpi-grid kpi-grid-compact" aria-label="Period totals">
        <li className="kpi-card">
          <span className="kpi-label">Conversations</span>
          <span className="kpi-value">{formatCount(t.conversations)}</span>
          <span className="kpi-note">
            {formatPercent(t.conversations ? t.answered / t.conversations : null)} answered
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">Missed / abandoned</span>
          <span className="kpi-value">
            {formatCount(t.missed)} / {formatCount(t.abandoned)}
          </span>
          <span className="kpi-note">{formatCount(t.transferred)} transferred</span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">Wait</span>
          <span className="kpi-value">{formatDuration(t.avgWaitSeconds)}</span>
          <span className="kpi-note">Longest {formatDuration(t.maxWaitSeconds)}</span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">First response</span>
          <span className="kpi-value">{formatDuration(t.avgFirstResponseSeconds)}</span>
          <span className="kpi-note">Handle time {formatDuration(t.avgHandleSeconds)}</span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">CSAT</span>
          <span className="kpi-value">{t.csatAverage === null ? '—' : t.csatAverage.toFixed(2)}</span>
          <span className="kpi-note">
            {formatPercent(t.csatSatisfied)} satisfied · {formatCountOf(t.csatResponses, 'answer', 'answers')}
          </span>
        </li>
      </ul>
      {c.bots && c.bots.botConversations > 0 && (
        <ul className="kpi-grid kpi-grid-compact" aria-label="Bots and people" data-testid="bot-split">
          <li className="kpi-card">
            <span className="kpi-label">Resolved by bots</span>
            <span className="kpi-value">{formatCount(c.bots.botResolved)}</span>
            <span className="kpi-note">of {formatCount(c.bots.botConversations)} a bot took first</span>
          </li>
          <li className="kpi-card">
            <span className="kpi-label">Handoff rate</span>
            <span className="kpi-value">{formatPercent(c.bots.handoffRate)}</span>
            <span className="kpi-note">{formatCount(c.bots.handedOff)} handed to people</span>
          </li>
          <li className="kpi-card">
            <span className="kpi-label">CSAT, bot-resolved</span>
            <span className="kpi-value">
              {c.bots.botCsatAverage === null ? '—' : c.bots.botCsatAverage.toFixed(2)}
            </span>
            <span className="kpi-note">{formatCountOf(c.bots.botCsatResponses, 'answer', 'answers')}</span>
          </li>
          <li className="kpi-card">
            <span className="kpi-label">CSAT, resolved by people</span>
            <span className="kpi-value">
              {c.bots.humanCsatAverage === null ? '—' : c.bots.humanCsatAverage.toFixed(2)}
            </span>
            <span className="kpi-note">
              {formatCount(c.bots.humanResolved)} resolved ·{' '}
              {formatCountOf(c.bots.humanCsatResponses, 'answer', 'answers')}
            </span>
          </li>
        </ul>
      )}
      <div className="chart-card">
        <h3 className="chart-title">{hourly ? 'Per hour' : 'Per day'}</h3>
        <UPlotChart
          options={options}
          data={data}
          height={220}
          label={`Conversations, answered, missed and abandoned per ${hourly ? 'hour' : 'day'}`}
          testId="conversations-chart"
        />
      </div>
      <div className="table-toolbar">
        <h3 className="chart-title">Days</h3>
        <CsvLink path="conversations" filters={filters} label="conversations per day" />
      </div>
      <div className="table-wrap">
        <table className="table table-compact">
          <ReportTableHead
            first="Day"
            figures={[
              'Chats',
              'Answered',
              'Missed',
              'Abandoned',
              'Transferred',
              'Avg wait',
              'First response',
              'Handle time',
              'CSAT',
            ]}
          />
          <tbody>
            {c.days.map((d) => (
              <Row key={d.day} r={d} />
            ))}
            <Row r={t} total />
          </tbody>
        </table>
      </div>
    </div>
  );
}
