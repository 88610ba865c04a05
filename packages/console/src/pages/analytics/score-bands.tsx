/** One campaign's lift split by the visitors' purchase score: does it reach people who would have bought anyway? */
import { useCallback, useMemo } from 'react';
import uPlot from 'uplot';
import { getScoreBands, type ReportFilters, type ScoreBandFigures } from '../../api/reports.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { IntervalBar } from './interval-bar.tsx';
import { ReportError } from './report-error.tsx';
import { formatCount, formatMoney, formatPercent, formatPoints } from './report-format.ts';
import { UPlotChart } from './uplot-chart.tsx';
import { useReport } from './use-report.ts';
import './score-bands.css';

const pp = (v: number) => formatPoints(v, 1);
const range = (b: ScoreBandFigures) => `${Math.round(b.from * 100)}–${Math.round(b.to * 100)} %`;

/** What positive-lift targeting does with a band. */
const TARGETING: Record<ScoreBandFigures['status'], [string, string]> = {
  targeted: ['Targeted', 'badge-active'],
  excluded: ['Left alone', 'badge-paused'],
  learning: ['Learning', ''],
};

/** What the band's comparison says (campaigns that target everyone). */
const VERDICT: Record<ScoreBandFigures['verdict'], [string, string]> = {
  treatment_better: ['Lift', 'badge-active'],
  control_better: ['Worse than control', 'badge-paused'],
  no_significant_difference: ['No clear difference', ''],
  not_enough_data: ['Not enough data', ''],
};

const leftBars = uPlot.paths.bars?.({ size: [0.36, 36], align: -1 });
const rightBars = uPlot.paths.bars?.({ size: [0.36, 36], align: 1 });

function chartOptions(labels: string[]): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    legend: { show: true, live: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: [-0.5, labels.length - 0.5] },
      y: { range: (_u, _min, max) => [0, Math.max(0.01, max * 1.1)] },
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
        size: 52,
        values: (_u, splits) => splits.map((v) => `${Math.round(v * 1000) / 10} %`),
      },
    ],
    series: [
      {},
      {
        label: 'Engaged',
        stroke: '#4338ca',
        fill: 'rgba(67,56,202,0.8)',
        paths: leftBars,
        points: { show: false },
      },
      {
        label: 'Control',
        stroke: '#98a2b3',
        fill: 'rgba(152,162,179,0.75)',
        paths: rightBars,
        points: { show: false },
      },
    ],
  };
}

export function ScoreBands({ campaignId, filters }: { campaignId: string; filters: ReportFilters }) {
  const load = useCallback((f: ReportFilters) => getScoreBands(campaignId, f), [campaignId]);
  const report = useReport(load, filters);
  const r = report.data;
  const labels = useMemo(() => (r ? r.bands.map(range) : []), [r]);
  const options = useMemo(() => chartOptions(labels), [labels]);
  const data = useMemo<uPlot.AlignedData>(
    () =>
      r
        ? [
            r.bands.map((_, i) => i),
            r.bands.map((b) => b.exposed.conversionRate),
            r.bands.map((b) => b.control.conversionRate),
          ]
        : [[], [], []],
    [r],
  );
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  if (!r) return <LoadingState label="Splitting by purchase score…" />;
  const positive = r.scoreBands === 'positive_lift';

  return (
    <section className="score-bands" aria-labelledby="score-bands-title" data-testid="score-bands">
      <header className="score-bands-header">
        <h4 id="score-bands-title">By purchase score</h4>
        <p className="muted">
          Engaged and control visitors compared within each {r.kind === 'decile' ? 'tenth' : 'fifth'} of
          purchase scores (the score when they qualified). Lift concentrated in the top band means the
          campaign mostly reaches people who would have bought anyway.
        </p>
      </header>
      {r.kind === 'none' ? (
        <p className="alert alert-info">
          No scored visitor has qualified for this campaign in the period yet.
        </p>
      ) : (
        <>
          {positive && (
            <p
              className={`alert ${r.enoughData ? 'alert-success' : 'alert-info'}`}
              data-testid="score-bands-mode"
            >
              {r.enoughData
                ? 'Targets the bands where engaged visitors bought more than the control group, and those still learning; visitors in the other bands are left alone.'
                : `Targets everyone for now: a band needs ${r.minimumSample.visitorsPerArm} visitors in each group and ${r.minimumSample.totalConversions} conversions before it can be judged.`}
            </p>
          )}
          <div className="chart-card score-bands-chart">
            <div className="chart-title">Conversion rate by score band</div>
            <UPlotChart
              options={options}
              data={data}
              height={220}
              label="Conversion rate of engaged and control visitors in each purchase-score band"
              testId="score-bands-chart"
            />
          </div>
          <div className="table-wrap">
            <table className="table table-compact" data-testid="score-bands-table">
              <thead>
                <tr>
                  <th scope="col">Score band</th>
                  <th scope="col" className="cell-number">
                    Engaged
                  </th>
                  <th scope="col" className="cell-number">
                    Control
                  </th>
                  <th scope="col" className="cell-number">
                    Revenue per visitor <span className="muted">engaged vs control</span>
                  </th>
                  <th scope="col">Conversion lift (95 %)</th>
                  <th scope="col">{positive ? 'Targeting' : 'Verdict'}</th>
                </tr>
              </thead>
              <tbody>
                {r.bands.map((b) => {
                  const [text, tone] = positive ? TARGETING[b.status] : VERDICT[b.verdict];
                  return (
                    <tr key={b.band} data-status={b.status}>
                      <th scope="row">{range(b)}</th>
                      <td className="cell-number" data-label="Engaged">
                        {formatPercent(b.exposed.conversionRate, false, 1)}{' '}
                        <span className="muted">of {formatCount(b.exposed.visitors)}</span>
                      </td>
                      <td className="cell-number" data-label="Control">
                        {formatPercent(b.control.conversionRate, false, 1)}{' '}
                        <span className="muted">of {formatCount(b.control.visitors)}</span>
                      </td>
                      <td className="cell-number" data-label="Revenue per visitor">
                        {formatMoney(b.exposed.revenuePerVisitor, r.currency)}{' '}
                        <span className="muted">
                          vs {formatMoney(b.control.revenuePerVisitor, r.currency)}
                        </span>
                      </td>
                      <td data-label="Lift (95 %)">
                        <span className="score-band-lift">
                          <IntervalBar
                            estimate={b.absoluteLift.estimate}
                            ci={b.absoluteLift.ci}
                            format={pp}
                          />
                          <span>{b.absoluteLift.estimate === null ? '—' : pp(b.absoluteLift.estimate)}</span>
                        </span>
                      </td>
                      <td data-label={positive ? 'Targeting' : 'Verdict'}>
                        <span className={`badge ${tone}`}>{text}</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {r.unscored.exposed + r.unscored.control > 0 && (
            <p className="muted score-bands-note">
              {formatCount(r.unscored.exposed + r.unscored.control)} visitors qualified before they had a
              score and are not in any band.
            </p>
          )}
        </>
      )}
    </section>
  );
}
