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
import { CsvLink } from './csv-link.tsx';
import { ReportError } from './report-error.tsx';
import { formatCount, formatMoney, formatPercent, formatPoints, formatSources } from './report-format.ts';
import { barPaths, UPlotChart } from './uplot-chart.tsx';
import { useReport } from './use-report.ts';

/** Why a stage is not a subset of the one before it, said where the reader looks. */
const NOT_NESTED: Record<string, string> = {
  conversation: 'Every chat, however it started; of all visitors.',
  converted: 'Shown one and bought, chat or not; of those shown one.',
};

const SHORT: Record<string, string> = {
  visitors: 'Visitors',
  qualified: 'Qualified',
  exposed: 'Exposed',
  engaged: 'Engaged',
  conversation: 'Chatted',
  converted: 'Converted',
};

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
      { stroke: '#667085', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e4e7ec' }, size: 56 },
    ],
    series: [
      {},
      {
        label: 'Visitors',
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
  return (
    <div className="compare-arm" data-testid={testId}>
      <h4 className="compare-title">{title}</h4>
      <dl className="arm-facts">
        <dt>Visitors</dt>
        <dd>{formatCount(a.visitors)}</dd>
        <dt>Converted</dt>
        <dd>
          {formatCount(a.converted)} ({formatPercent(a.conversionRate, false, 2)})
        </dd>
        <dt>Revenue</dt>
        <dd>{formatMoney(a.revenue, currency)}</dd>
        <dt>Per visitor</dt>
        <dd>{formatMoney(a.revenuePerVisitor, currency)}</dd>
        <dt>Seen by</dt>
        <dd data-testid={`${testId}-sources`}>{formatSources(a.sources)}</dd>
      </dl>
    </div>
  );
}

/** What the comparison says, in one sentence a reader can act on. */
function likeForLikeHeadline(l: LikeForLike): string {
  const rates = `engaged visitors converted at ${formatPercent(l.exposedRate, false, 2)}, comparable held-out visitors at ${formatPercent(l.controlRate, false, 2)}`;
  if (l.campaigns === 0)
    return 'No campaign that reached visitors holds any out, so nothing can be compared. Give a campaign a control group to measure it.';
  switch (l.verdict) {
    case 'treatment_better':
      return `Engagement raised conversion: ${rates}.`;
    case 'control_better':
      return `Engagement lowered conversion: ${rates}.`;
    case 'no_significant_difference':
      return `No clear difference yet: ${rates}, and the interval includes zero.`;
    default:
      return `Not enough held-out visitors or conversions yet to tell: ${rates} so far.`;
  }
}

function LikeForLikePanel({ l }: { l: LikeForLike }) {
  const campaigns = (n: number) => `${formatCount(n)} ${n === 1 ? 'campaign' : 'campaigns'}`;
  return (
    <section
      className="like-for-like"
      data-testid="funnel-like-for-like"
      aria-labelledby="like-for-like-title"
    >
      <h3 className="chart-title" id="like-for-like-title">
        What engagement did, like for like
      </h3>
      <p className="like-for-like-headline">{likeForLikeHeadline(l)}</p>
      {l.difference ? (
        <p className="like-for-like-figure">
          {formatPoints(l.difference.estimate)}{' '}
          <span className="muted">
            (95 %: {formatPoints(l.difference.ci[0])} to {formatPoints(l.difference.ci[1])}) over{' '}
            {campaigns(l.campaigns)}
          </span>
        </p>
      ) : null}
      <p className="muted compare-note" data-testid="funnel-compare-note">
        Each campaign is compared with its own control group, and the campaigns are weighted by their engaged
        visitors. The two groups below are pooled instead: campaigns reach different visitors (one for full
        carts holds out keen buyers), so their rates need not be alike and do not measure engagement.
        {l.excluded > 0
          ? ` ${campaigns(l.excluded)} without a control group or engaged visitors left out.`
          : ''}
      </p>
    </section>
  );
}

export function FunnelTab({ filters }: { filters: ReportFilters }) {
  const report = useReport<FunnelReport>(getFunnel, filters);
  const f = report.data;
  const labels = useMemo(() => (f ? f.stages.map((s) => SHORT[s.stage] ?? s.label) : []), [f]);
  const options = useMemo(() => chartOptions(labels), [labels]);
  const data = useMemo<uPlot.AlignedData>(
    () => (f ? [f.stages.map((_, i) => i), f.stages.map((s) => s.visitors)] : [[], []]),
    [f],
  );
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  if (!f) return <LoadingState label="Loading the funnel…" />;

  return (
    <div className="report" data-testid="funnel-report">
      <div className="report-grid">
        <div className="chart-card">
          <h3 className="chart-title">Visitors at each stage</h3>
          <UPlotChart
            options={options}
            data={data}
            height={240}
            label="Visitors at each stage of the funnel"
            testId="funnel-chart"
          />
        </div>
        <div className="table-block">
          <div className="table-toolbar">
            <h3 className="chart-title">Stages</h3>
            <CsvLink path="funnel" filters={filters} label="the funnel" />
          </div>
          <div className="table-wrap">
            <table className="table table-compact">
              <thead>
                <tr>
                  <th scope="col">Stage</th>
                  <th scope="col" className="cell-number">
                    Visitors
                  </th>
                  <th scope="col" className="cell-number">
                    Rate
                  </th>
                  <th scope="col" className="cell-number">
                    Of all
                  </th>
                </tr>
              </thead>
              <tbody>
                {f.stages.map((s) => (
                  <tr key={s.stage} data-testid={`funnel-${s.stage}`}>
                    <th scope="row">
                      {s.label}
                      {NOT_NESTED[s.stage] ? (
                        <div className="muted cell-sub">{NOT_NESTED[s.stage]}</div>
                      ) : null}
                    </th>
                    <td className="cell-number" data-label="Visitors">
                      {formatCount(s.visitors)}
                    </td>
                    <td className="cell-number" data-label="Rate" title={`Share of “${SHORT[s.rateOf]}”`}>
                      {s.stage === 'visitors' ? '' : formatPercent(s.rate)}
                    </td>
                    <td className="cell-number" data-label="Of all">
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
        <Arm title="Shown an engagement" a={f.exposed} currency={f.currency} testId="funnel-exposed" />
        <Arm
          title={f.likeForLike ? 'Held out of everything (pooled)' : 'Control group'}
          a={f.control}
          currency={f.currency}
          testId="funnel-control"
        />
        <div className="compare-arm compare-all">
          <h4 className="compare-title">All conversions</h4>
          <p className="compare-big">{formatCount(f.allConversions)}</p>
          <p className="muted">
            Revenue {formatMoney(f.allRevenue, f.currency)}, attributed or not, on the selected sites.
          </p>
          {f.unattributedConversions > 0 && (
            <p className="muted" data-testid="funnel-unattributed">
              {formatCount(f.unattributedConversions)} reported by a server with no visit to tie them to.
            </p>
          )}
        </div>
      </div>
    </div>
  );
}
