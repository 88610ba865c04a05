/** Service levels: the share of conversations that met their targets, and breaches by skill, agent, channel and day. */
import type { ReportFilters } from '../../api/reports.ts';
import { getSlaReport, type SlaReport, type SlaReportRow } from '../../api/sla.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { ConversationsIcon } from '../../components/icons.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { t } from '../../i18n/i18n.ts';
import { useT } from '../../i18n/language-context.tsx';
import { channelLabel } from './channels-tab.tsx';
import { CsvLink } from './csv-link.tsx';
import { type TimeSeries, useTimeChart } from './daily-chart.ts';
import { ReportError } from './report-error.tsx';
import { formatCount, formatPercent } from './report-format.ts';
import { ReportTableHead } from './report-table-head.tsx';
import { UPlotChart } from './uplot-chart.tsx';
import { useReport } from './use-report.ts';
import './sla-tab.css';

type SlaDay = SlaReport['days'][number];
const SERIES: TimeSeries<SlaDay>[] = [
  { label: () => t('With targets'), color: '#4338ca', value: (d) => d.conversations },
  { label: () => t('First response missed'), color: '#d92d20', value: (d) => d.firstResponseBreaches },
  { label: () => t('Resolution missed'), color: '#dc6803', value: (d) => d.resolutionBreaches },
];
const dateOf = (d: SlaDay) => d.date;

function Breakdown({
  id,
  title,
  first,
  rows,
  label,
}: {
  /** What the rows are, for the test id: skill, agent or channel. */
  id: string;
  title: string;
  first: string;
  rows: SlaReportRow[];
  label?: (r: SlaReportRow) => string;
}) {
  const t = useT();
  return (
    <div className="sla-breakdown" data-testid={`sla-by-${id}`}>
      <h3 className="chart-title">{title}</h3>
      <div className="table-wrap">
        <table className="table table-compact">
          <ReportTableHead
            first={first}
            figures={[t('Chats'), t('First response missed'), t('Resolution missed')]}
          />
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row" className="cell-strong">
                  {label ? label(r) : r.label}
                </th>
                <td className="cell-number" data-label={t('Chats')}>
                  {formatCount(r.conversations)}
                </td>
                <td className="cell-number" data-label={t('First response missed')}>
                  {formatCount(r.firstResponseBreaches)}
                </td>
                <td className="cell-number" data-label={t('Resolution missed')}>
                  {formatCount(r.resolutionBreaches)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function ShareCard({
  label,
  share,
  testId,
}: {
  label: string;
  share: SlaReport['firstResponse'];
  testId: string;
}) {
  const t = useT();
  return (
    <li className="kpi-card">
      <span className="kpi-label">{label}</span>
      <span className="kpi-value" data-testid={testId}>
        {share.total ? formatPercent(share.rate) : '—'}
      </span>
      <span className="kpi-note">
        {t('{met} of {total} · {missed} missed', {
          met: formatCount(share.met),
          total: formatCount(share.total),
          missed: formatCount(share.total - share.met),
        })}
      </span>
    </li>
  );
}

export function SlaTab({ filters }: { filters: ReportFilters }) {
  const t = useT();
  const report = useReport(getSlaReport, filters);
  const r = report.data;
  const { hourly, options, data } = useTimeChart(SERIES, dateOf, r);
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  if (!r) return <LoadingState label={t('Loading service levels…')} />;
  if (r.bySkill.length === 0)
    return (
      <EmptyState
        icon={<ConversationsIcon />}
        title={t('No conversations with service levels')}
        testId="sla-empty"
      >
        {t(
          'Set first-response and resolution targets for a skill in Settings › Skills. Its conversations then appear here, with the share that met each target. Widen the dates or clear a filter.',
        )}
      </EmptyState>
    );

  return (
    <div className="report" data-testid="sla-report">
      <ul className="kpi-grid kpi-grid-compact" aria-label={t('Period totals')}>
        <ShareCard
          label={t('First response within target')}
          share={r.firstResponse}
          testId="sla-first-response-rate"
        />
        <ShareCard label={t('Resolved within target')} share={r.resolution} testId="sla-resolution-rate" />
      </ul>
      <div className="chart-card">
        <h3 className="chart-title">{hourly ? t('Per hour') : t('Per day')}</h3>
        <UPlotChart
          options={options}
          data={data}
          height={220}
          label={
            hourly
              ? t('Conversations with targets and missed targets per hour')
              : t('Conversations with targets and missed targets per day')
          }
          testId="sla-chart"
        />
      </div>
      <div className="table-toolbar">
        <h3 className="chart-title">{t('Breaches')}</h3>
        <CsvLink
          path="sla"
          filters={filters}
          label={t('Download CSV of SLA breaches by skill, agent and channel')}
        />
      </div>
      <div className="sla-breakdowns">
        <Breakdown id="skill" title={t('By skill')} first={t('Skill')} rows={r.bySkill} />
        <Breakdown id="agent" title={t('By agent')} first={t('Agent')} rows={r.byAgent} />
        <Breakdown
          id="channel"
          title={t('By channel')}
          first={t('Channel')}
          rows={r.byChannel}
          label={(x) => channelLabel(x.key)}
        />
      </div>
      <p className="muted">
        {t(
          'A conversation counts once its target is decided: answered or resolved, or past due. Targets count business hours where the skill has them. Agent is the one assigned now.',
        )}
      </p>
    </div>
  );
}
