/** Funnel: visitors → qualified → exposed → accepted/clicked → conversation → converted, with the control group. */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import {
  type ArmFigures,
  type FunnelReport,
  getFunnel,
  type LikeForLike,
  type ReportFilters,
} from '../../api/reports.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { t } from '../../i18n/i18n.ts';
import { useLanguage, useT } from '../../i18n/language-context.tsx';
import { CsvLink } from './csv-link.tsx';
import { ReportError } from './report-error.tsx';
import { formatCount, formatMoney, formatPercent, formatPoints, formatSources } from './report-format.ts';
import { barPaths, countTicks, UPlotChart } from './uplot-chart.tsx';
import { useReport } from './use-report.ts';

/** Why a stage is not a subset of the one before it, said where the reader looks. */
function notNested(stage: string): string | null {
  switch (stage) {
    case 'conversation':
      return t('Every chat, however it started; of all visitors.');
    case 'converted':
      return t('Shown one and bought, chat or not; of those shown one.');
    default:
      return null;
  }
}

/** A stage's short name, for the chart's axis (one message: a language may need other words side by side). */
function short(stage: string): string {
  return t(
    '{stage, select, visitors {Visitors} qualified {Qualified} exposed {Exposed} engaged {Engaged} conversation {Chatted} converted {Converted} other {{stage}}}',
    { stage },
  );
}

/** A stage's full name as the table reads it; the server's English one for a stage this console does not know. */
function stageLabel(stage: string, label: string): string {
  switch (stage) {
    case 'visitors':
      return t('Visitors');
    case 'qualified':
      return t('Qualified for a campaign');
    case 'exposed':
      return t('Shown an engagement');
    case 'engaged':
      return t('Accepted or clicked');
    case 'conversation':
      return t('Had a conversation');
    case 'converted':
      return t('Converted');
    default:
      return label;
  }
}

function chartOptions(labels: string[]): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: [-0.5, labels.length - 0.5] },
      y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
    },
    axes: [
      {
        stroke: '#475467',
        grid: { show: false },
        ticks: { show: false },
        splits: () => labels.map((_, i) => i),
        values: () => labels,
      },
      {
        stroke: '#667085',
        grid: { stroke: '#eef0f3' },
        ticks: { stroke: '#e4e7ec' },
        size: 56,
        values: countTicks,
      },
    ],
    series: [
      {},
      {
        label: t('Visitors'),
        stroke: '#4338ca',
        fill: 'rgba(67,56,202,0.75)',
        paths: barPaths,
        points: { show: false },
      },
    ],
  };
}

function Arm({
  title,
  a,
  currency,
  testId,
}: {
  title: string;
  a: ArmFigures;
  currency: string | null;
  testId: string;
}) {
  const t = useT();
  return (
    <div className="compare-arm" data-testid={testId}>
      <h4 className="compare-title">{title}</h4>
      <dl className="arm-facts">
        <dt>{t('Visitors')}</dt>
        <dd>{formatCount(a.visitors)}</dd>
        <dt>{t('Converted')}</dt>
        <dd>
          {formatCount(a.converted)} ({formatPercent(a.conversionRate, false, 2)})
        </dd>
        <dt>{t('Revenue')}</dt>
        <dd>{formatMoney(a.revenue, currency)}</dd>
        <dt>{t('Per visitor')}</dt>
        <dd>{formatMoney(a.revenuePerVisitor, currency)}</dd>
        <dt>{t('Seen by')}</dt>
        <dd data-testid={`${testId}-sources`}>{formatSources(a.sources)}</dd>
      </dl>
    </div>
  );
}

/** What the comparison says, in one sentence a reader can act on. */
function likeForLikeHeadline(l: LikeForLike): string {
  if (l.campaigns === 0)
    return t(
      'No campaign that reached visitors holds any out, so nothing can be compared. Give a campaign a control group to measure it.',
    );
  const rates = {
    engaged: formatPercent(l.exposedRate, false, 2),
    control: formatPercent(l.controlRate, false, 2),
  };
  switch (l.verdict) {
    case 'treatment_better':
      return t(
        'Engagement raised conversion: engaged visitors converted at {engaged}, comparable held-out visitors at {control}.',
        rates,
      );
    case 'control_better':
      return t(
        'Engagement lowered conversion: engaged visitors converted at {engaged}, comparable held-out visitors at {control}.',
        rates,
      );
    case 'no_significant_difference':
      return t(
        'No clear difference yet: engaged visitors converted at {engaged}, comparable held-out visitors at {control}, and the interval includes zero.',
        rates,
      );
    default:
      return t(
        'Not enough held-out visitors or conversions yet to tell: engaged visitors converted at {engaged}, comparable held-out visitors at {control} so far.',
        rates,
      );
  }
}

function LikeForLikePanel({ l }: { l: LikeForLike }) {
  const t = useT();
  return (
    <section
      className="like-for-like"
      data-testid="funnel-like-for-like"
      aria-labelledby="like-for-like-title"
    >
      <h3 className="chart-title" id="like-for-like-title">
        {t('What engagement did, like for like')}
      </h3>
      <p className="like-for-like-headline">{likeForLikeHeadline(l)}</p>
      {l.difference ? (
        <p className="like-for-like-figure">
          {formatPoints(l.difference.estimate)}{' '}
          <span className="muted">
            {t('(95 %: {low} to {high}) over {count, plural, one {# campaign} other {# campaigns}}', {
              low: formatPoints(l.difference.ci[0]),
              high: formatPoints(l.difference.ci[1]),
              count: l.campaigns,
            })}
          </span>
        </p>
      ) : null}
      <p className="muted compare-note" data-testid="funnel-compare-note">
        {t(
          'Each campaign is compared with its own control group, and the campaigns are weighted by their engaged visitors. The two groups below are pooled instead: campaigns reach different visitors (one for full carts holds out keen buyers), so their rates need not be alike and do not measure engagement.',
        )}
        {l.excluded > 0
          ? ` ${t(
              '{count, plural, one {# campaign} other {# campaigns}} without a control group or engaged visitors left out.',
              { count: l.excluded },
            )}`
          : ''}
      </p>
    </section>
  );
}

export function FunnelTab({ filters }: { filters: ReportFilters }) {
  const t = useT();
  const { lang } = useLanguage();
  const report = useReport<FunnelReport>(getFunnel, filters);
  const f = report.data;
  // Named again on a language switch.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the labels follow the language
  const labels = useMemo(() => (f ? f.stages.map((s) => short(s.stage)) : []), [f, lang]);
  const options = useMemo(() => chartOptions(labels), [labels]);
  const data = useMemo<uPlot.AlignedData>(
    () => (f ? [f.stages.map((_, i) => i), f.stages.map((s) => s.visitors)] : [[], []]),
    [f],
  );
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  if (!f) return <LoadingState label={t('Loading the funnel…')} />;

  return (
    <div className="report" data-testid="funnel-report">
      <div className="report-grid">
        <div className="chart-card">
          <h3 className="chart-title">{t('Visitors at each stage')}</h3>
          <UPlotChart
            options={options}
            data={data}
            height={240}
            label={t('Visitors at each stage of the funnel')}
            testId="funnel-chart"
          />
        </div>
        <div className="table-block">
          <div className="table-toolbar">
            <h3 className="chart-title">{t('Stages')}</h3>
            <CsvLink path="funnel" filters={filters} label={t('Download CSV of the funnel')} />
          </div>
          <div className="table-wrap">
            <table className="table table-compact">
              <thead>
                <tr>
                  <th scope="col">{t('Stage')}</th>
                  <th scope="col" className="cell-number">
                    {t('Visitors')}
                  </th>
                  <th scope="col" className="cell-number">
                    {t('Rate')}
                  </th>
                  <th scope="col" className="cell-number">
                    {t('Of all')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {f.stages.map((s) => (
                  <tr key={s.stage} data-testid={`funnel-${s.stage}`}>
                    <th scope="row">
                      {stageLabel(s.stage, s.label)}
                      {notNested(s.stage) ? <div className="muted cell-sub">{notNested(s.stage)}</div> : null}
                    </th>
                    <td className="cell-number" data-label={t('Visitors')}>
                      {formatCount(s.visitors)}
                    </td>
                    <td
                      className="cell-number"
                      data-label={t('Rate')}
                      title={t('Share of “{stage}”', { stage: short(s.rateOf) })}
                    >
                      {s.stage === 'visitors' ? '' : formatPercent(s.rate)}
                    </td>
                    <td className="cell-number" data-label={t('Of all')}>
                      {formatPercent(s.rateFromTop)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
      {f.likeForLike ? <LikeForLikePanel l={f.likeForLike} /> : null}
      <div className="compare">
        <Arm title={t('Shown an engagement')} a={f.exposed} currency={f.currency} testId="funnel-exposed" />
        <Arm
          title={f.likeForLike ? t('Held out of everything (pooled)') : t('Control group')}
          a={f.control}
          currency={f.currency}
          testId="funnel-control"
        />
        <div className="compare-arm compare-all">
          <h4 className="compare-title">{t('All conversions')}</h4>
          <p className="compare-big">{formatCount(f.allConversions)}</p>
          <p className="muted">
            {t('Revenue {amount}, attributed or not, on the selected sites.', {
              amount: formatMoney(f.allRevenue, f.currency),
            })}
          </p>
          {f.unattributedConversions > 0 && (
            <p className="muted" data-testid="funnel-unattributed">
              {t(
                '{count, plural, one {# reported by a server with no visit to tie it to.} other {# reported by a server with no visit to tie them to.}}',
                { count: f.unattributedConversions },
              )}
            </p>
          )}
        </div>
      </div>
    </div>
  );
}
