/** Conversations: volume per day, answered, missed and abandoned, service times and CSAT. */
import { type ConversationFigures, getConversationsReport, type ReportFilters } from '../../api/reports.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { t } from '../../i18n/i18n.ts';
import { useT } from '../../i18n/language-context.tsx';
import { CsvLink } from './csv-link.tsx';
import { type TimeSeries, useTimeChart } from './daily-chart.ts';
import { DimensionTables } from './dimension-tables.tsx';
import { ReportError } from './report-error.tsx';
import { formatCount, formatCsat, formatDay, formatDuration, formatPercent } from './report-format.ts';
import { ReportTableHead } from './report-table-head.tsx';
import { UPlotChart } from './uplot-chart.tsx';
import { useReport } from './use-report.ts';
import './report-tables.css';

const SERIES: TimeSeries<ConversationFigures>[] = [
  { label: () => t('Conversations'), color: '#4338ca', value: (d) => d.conversations },
  { label: () => t('Answered'), color: '#0e9384', value: (d) => d.answered },
  { label: () => t('Missed'), color: '#d92d20', value: (d) => d.missed },
  { label: () => t('Abandoned'), color: '#dc6803', value: (d) => d.abandoned },
];
const dayOf = (d: ConversationFigures) => d.day;

function Row({ r, total }: { r: ConversationFigures; total?: boolean }) {
  const t = useT();
  return (
    <tr className={total ? 'row-total' : undefined} data-testid={total ? 'conversations-total' : undefined}>
      <th scope="row">{total ? t('Total') : formatDay(r.day)}</th>
      <td className="cell-number" data-label={t('Chats')}>
        {formatCount(r.conversations)}
      </td>
      <td className="cell-number" data-label={t('Answered')}>
        {formatCount(r.answered)}
      </td>
      <td className="cell-number" data-label={t('Missed')}>
        {formatCount(r.missed)}
      </td>
      <td className="cell-number" data-label={t('Abandoned')}>
        {formatCount(r.abandoned)}
      </td>
      <td className="cell-number" data-label={t('Transferred')}>
        {formatCount(r.transferred)}
      </td>
      <td className="cell-number" data-label={t('Avg wait')}>
        {formatDuration(r.avgWaitSeconds)}
      </td>
      <td className="cell-number" data-label={t('First response')}>
        {formatDuration(r.avgFirstResponseSeconds)}
      </td>
      <td className="cell-number" data-label={t('Handle time')}>
        {formatDuration(r.avgHandleSeconds)}
      </td>
      <td className="cell-number" data-label="CSAT">
        {formatCsat(r.csatAverage, r.csatResponses)}
      </td>
    </tr>
  );
}

export function ConversationsTab({ filters }: { filters: ReportFilters }) {
  const t = useT();
  const report = useReport(getConversationsReport, filters);
  const c = report.data;
  const { hourly, options, data } = useTimeChart(SERIES, dayOf, c);
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  if (!c) return <LoadingState label={t('Loading conversations…')} />;
  const sum = c.total;

  return (
    <div className="report" data-testid="conversations-report">
      <ul className="kpi-grid kpi-grid-compact" aria-label={t('Period totals')}>
        <li className="kpi-card">
          <span className="kpi-label">{t('Conversations')}</span>
          <span className="kpi-value">{formatCount(sum.conversations)}</span>
          <span className="kpi-note">
            {t('{share} answered', {
              share: formatPercent(sum.conversations ? sum.answered / sum.conversations : null),
            })}
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">{t('Missed / abandoned')}</span>
          <span className="kpi-value">
            {formatCount(sum.missed)} / {formatCount(sum.abandoned)}
          </span>
          <span className="kpi-note">
            {t('{count} transferred', { count: formatCount(sum.transferred) })}
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">{t('Wait')}</span>
          <span className="kpi-value">{formatDuration(sum.avgWaitSeconds)}</span>
          <span className="kpi-note">
            {t('Longest {duration}', { duration: formatDuration(sum.maxWaitSeconds) })}
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">{t('First response')}</span>
          <span className="kpi-value">{formatDuration(sum.avgFirstResponseSeconds)}</span>
          <span className="kpi-note">
            {t('Handle time {duration}', { duration: formatDuration(sum.avgHandleSeconds) })}
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">{t('CSAT')}</span>
          <span className="kpi-value">{formatCsat(sum.csatAverage)}</span>
          <span className="kpi-note">
            {t('{share} satisfied · {count, plural, one {# answer} other {# answers}}', {
              share: formatPercent(sum.csatSatisfied),
              count: sum.csatResponses,
            })}
          </span>
        </li>
      </ul>
      {c.bots && c.bots.botConversations > 0 && (
        <ul className="kpi-grid kpi-grid-compact" aria-label={t('Bots and people')} data-testid="bot-split">
          <li className="kpi-card">
            <span className="kpi-label">{t('Resolved by bots')}</span>
            <span className="kpi-value">{formatCount(c.bots.botResolved)}</span>
            <span className="kpi-note">
              {t('of {count} a bot took first', { count: formatCount(c.bots.botConversations) })}
            </span>
          </li>
          <li className="kpi-card">
            <span className="kpi-label">{t('Handoff rate')}</span>
            <span className="kpi-value">{formatPercent(c.bots.handoffRate)}</span>
            <span className="kpi-note">
              {t('{count} handed to people', { count: formatCount(c.bots.handedOff) })}
            </span>
          </li>
          <li className="kpi-card">
            <span className="kpi-label">{t('CSAT, bot-resolved')}</span>
            <span className="kpi-value">{formatCsat(c.bots.botCsatAverage)}</span>
            <span className="kpi-note">
              {t('{count, plural, one {# answer} other {# answers}}', { count: c.bots.botCsatResponses })}
            </span>
          </li>
          <li className="kpi-card">
            <span className="kpi-label">{t('CSAT, resolved by people')}</span>
            <span className="kpi-value">{formatCsat(c.bots.humanCsatAverage)}</span>
            <span className="kpi-note">
              {t('{resolved} resolved · {count, plural, one {# answer} other {# answers}}', {
                resolved: formatCount(c.bots.humanResolved),
                count: c.bots.humanCsatResponses,
              })}
            </span>
          </li>
        </ul>
      )}
      <div className="chart-card">
        <h3 className="chart-title">{hourly ? t('Per hour') : t('Per day')}</h3>
        <UPlotChart
          options={options}
          data={data}
          height={220}
          label={
            hourly
              ? t('Conversations, answered, missed and abandoned per hour')
              : t('Conversations, answered, missed and abandoned per day')
          }
          testId="conversations-chart"
        />
      </div>
      <div className="table-toolbar">
        <h3 className="chart-title">{t('Days')}</h3>
        <CsvLink path="conversations" filters={filters} label={t('Download CSV of conversations per day')} />
      </div>
      <div className="table-wrap">
        <table className="table table-compact table-dense">
          <ReportTableHead
            first={t('Day')}
            figures={[
              t('Chats'),
              t('Answered'),
              t('Missed'),
              t('Abandoned'),
              t('Transferred'),
              t('Avg wait'),
              t('First response'),
              t('Handle time'),
              t('CSAT'),
            ]}
          />
          <tbody>
            {c.days.map((d) => (
              <Row key={d.day} r={d} />
            ))}
            <Row r={sum} total />
          </tbody>
        </table>
      </div>
      <DimensionTables
        intents={c.intents}
        sentiments={c.sentiments}
        total={sum.conversations}
        filters={filters}
      />
    </div>
  );
}
