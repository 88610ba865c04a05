/** One campaign's lift split by the visitors' purchase score: does it reach people who would have bought anyway? */
import { useCallback, useMemo } from 'react';
import uPlot from 'uplot';
import { getScoreBands, type ReportFilters, type ScoreBandFigures } from '../../api/reports.ts';
import { formatNumber } from '../../components/format.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { t } from '../../i18n/i18n.ts';
import { useLanguage, useT } from '../../i18n/language-context.tsx';
import { GroupLiftCells, GroupLiftTable } from './group-lift-cells.tsx';
import { ReportError } from './report-error.tsx';
import { formatCount } from './report-format.ts';
import { UPlotChart } from './uplot-chart.tsx';
import { useReport } from './use-report.ts';
import './score-bands.css';

const range = (b: ScoreBandFigures) =>
  `${formatCount(Math.round(b.from * 100))}–${formatCount(Math.round(b.to * 100))} %`;

/** What positive-lift targeting does with a band. */
function targeting(status: ScoreBandFigures['status']): [string, string] {
  switch (status) {
    case 'targeted':
      return [t('Targeted'), 'badge-active'];
    case 'excluded':
      return [t('Left alone'), 'badge-paused'];
    default:
      return [t('Learning'), ''];
  }
}

/** What a group's comparison says (campaigns that target everyone; a country). */
export function verdict(v: ScoreBandFigures['verdict']): [string, string] {
  switch (v) {
    case 'treatment_better':
      return [t('Lift'), 'badge-active'];
    case 'control_better':
      return [t('Worse than control'), 'badge-paused'];
    case 'no_significant_difference':
      return [t('No clear difference'), ''];
    default:
      return [t('Not enough data'), ''];
  }
}

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
        values: (_u, splits) => splits.map((v) => `${formatNumber(Math.round(v * 1000) / 10)} %`),
      },
    ],
    series: [
      {},
      {
        label: t('Engaged'),
        stroke: '#4338ca',
        fill: 'rgba(67,56,202,0.8)',
        paths: leftBars,
        points: { show: false },
      },
      {
        label: t('Control'),
        stroke: '#98a2b3',
        fill: 'rgba(152,162,179,0.75)',
        paths: rightBars,
        points: { show: false },
      },
    ],
  };
}

export function ScoreBands({ campaignId, filters }: { campaignId: string; filters: ReportFilters }) {
  const t = useT();
  const { lang } = useLanguage();
  const load = useCallback((f: ReportFilters) => getScoreBands(campaignId, f), [campaignId]);
  const report = useReport(load, filters);
  const r = report.data;
  // Written again on a language switch.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the labels follow the language
  const labels = useMemo(() => (r ? r.bands.map(range) : []), [r, lang]);
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
  if (!r) return <LoadingState label={t('Splitting by purchase score…')} />;
  const positive = r.scoreBands === 'positive_lift';

  return (
    <section className="lift-detail-part" aria-labelledby="score-bands-title" data-testid="score-bands">
      <header className="score-bands-header">
        <h4 id="score-bands-title">{t('By purchase score')}</h4>
        <p className="muted">
          {r.kind === 'decile'
            ? t(
                'Engaged and control visitors compared within each tenth of purchase scores (the score when they qualified). Lift concentrated in the top band means the campaign mostly reaches people who would have bought anyway.',
              )
            : t(
                'Engaged and control visitors compared within each fifth of purchase scores (the score when they qualified). Lift concentrated in the top band means the campaign mostly reaches people who would have bought anyway.',
              )}
        </p>
      </header>
      {r.kind === 'none' ? (
        <p className="alert alert-info">
          {t('No scored visitor has qualified for this campaign in the period yet.')}
        </p>
      ) : (
        <>
          {positive && (
            <p
              className={`alert ${r.enoughData ? 'alert-success' : 'alert-info'}`}
              data-testid="score-bands-mode"
            >
              {r.enoughData
                ? t(
                    'Targets the bands where engaged visitors bought more than the control group, and those still learning; visitors in the other bands are left alone.',
                  )
                : t(
                    'Targets everyone for now: a band needs {visitors, plural, one {# visitor} other {# visitors}} in each group and {conversions, plural, one {# conversion} other {# conversions}} before it can be judged.',
                    {
                      visitors: r.minimumSample.visitorsPerArm,
                      conversions: r.minimumSample.totalConversions,
                    },
                  )}
            </p>
          )}
          <div className="chart-card score-bands-chart">
            <div className="chart-title">{t('Conversion rate by score band')}</div>
            <UPlotChart
              options={options}
              data={data}
              height={220}
              label={t('Conversion rate of engaged and control visitors in each purchase-score band')}
              testId="score-bands-chart"
            />
          </div>
          <GroupLiftTable
            testId="score-bands-table"
            groups={t('Score band')}
            verdict={positive ? t('Targeting') : t('Verdict')}
          >
            {r.bands.map((b) => {
              return (
                <tr key={b.band} data-status={b.status}>
                  <th scope="row">{range(b)}</th>
                  <GroupLiftCells
                    group={b}
                    currency={r.currency}
                    badge={positive ? targeting(b.status) : verdict(b.verdict)}
                    badgeLabel={positive ? t('Targeting') : t('Verdict')}
                  />
                </tr>
              );
            })}
          </GroupLiftTable>
          {r.unscored.exposed + r.unscored.control > 0 && (
            <p className="muted score-bands-note">
              {t(
                '{count, plural, one {# visitor qualified before they had a score and is not in any band.} other {# visitors qualified before they had a score and are not in any band.}}',
                { count: r.unscored.exposed + r.unscored.control },
              )}
            </p>
          )}
        </>
      )}
    </section>
  );
}
