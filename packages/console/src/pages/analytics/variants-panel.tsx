/** A campaign's variants in its lift detail: each arm, each comparison in words, and the intervals over time. */
import { useCallback, useMemo } from 'react';
import { getVariants, type ReportFilters, type VariantsReport } from '../../api/reports.ts';
import { formatNumber } from '../../components/format.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { useLanguage, useT } from '../../i18n/language-context.tsx';
import { ArmCells } from './arm-cells.tsx';
import { CsvLink } from './csv-link.tsx';
import { IntervalBar } from './interval-bar.tsx';
import { ReportError } from './report-error.tsx';
import { formatCount, formatMoney, formatP, formatPoints } from './report-format.ts';
import { ReportTableHead } from './report-table-head.tsx';
import { UPlotChart } from './uplot-chart.tsx';
import { useReport } from './use-report.ts';
import { chartedArms, variantsChartData, variantsChartOptions } from './variants-chart.ts';
import { armName, comparisonVerdict, overallVerdict } from './variants-verdict.ts';
import './variants-panel.css';

const pp = (v: number) => formatPoints(v);

export function VariantsPanel({ campaignId, filters }: { campaignId: string; filters: ReportFilters }) {
  const t = useT();
  const load = useCallback((f: ReportFilters) => getVariants(campaignId, f), [campaignId]);
  const report = useReport(load, filters);
  const r = report.data;
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  if (!r) return <LoadingState label={t('Comparing the variants…')} />;
  if (!r.hasVariants && r.arms.length <= 1)
    return (
      <section className="lift-detail-part" data-testid="variants-panel">
        <p className="muted" data-testid="variants-none">
          {t('No variants: this campaign tests one engagement against its control group.')}
        </p>
      </section>
    );
  return <VariantsBody campaignId={campaignId} filters={filters} r={r} />;
}

function VariantsBody({
  campaignId,
  filters,
  r,
}: {
  campaignId: string;
  filters: ReportFilters;
  r: VariantsReport;
}) {
  const t = useT();
  const { lang } = useLanguage();
  const keys = useMemo(() => chartedArms(r), [r]);
  // Built again on a language switch: the names, dates and numbers are written in it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the labels follow the language
  const options = useMemo(() => variantsChartOptions(keys), [keys, lang]);
  const data = useMemo(() => variantsChartData(r, keys), [r, keys]);
  const overall = overallVerdict(r);
  const vsControl = (key: string) => r.comparisons.find((c) => c.arm === key && c.against === 'control');
  const pairs = r.comparisons.filter((c) => c.against !== 'control');
  const charted = r.series.some((d) => d.enoughData);
  return (
    <section className="lift-detail-part" aria-labelledby="variants-title" data-testid="variants-panel">
      <header className="variants-panel-header">
        <div>
          <h4 id="variants-title">{t('Variants')}</h4>
          <p className="muted">
            {t(
              'Since the campaign started. The 95 % intervals stay valid however often you look: read the report every day if you like. “No difference likely” means every variant is within ± {effect} of control.',
              { effect: formatPoints(r.minimalEffect, 1).replace('+', '') },
            )}
          </p>
        </div>
        <div className="card-actions">
          <span className={`badge ${overall.tone}`} data-testid="variants-verdict">
            {overall.text}
          </span>
          <CsvLink
            path={`campaigns/${campaignId}/variants`}
            filters={{ ...filters, from: '', campaignId: '' }}
            label={t('Download CSV of the {campaign} variants', { campaign: r.campaignName })}
          />
        </div>
      </header>
      <div className="table-wrap">
        <table className="table table-compact" data-testid="variants-table">
          <ReportTableHead
            first={t('Arm')}
            figures={[t('Visitors'), t('Converted'), t('Rate'), t('Exposures'), t('Per visitor')]}
            after={[t('Lift vs control'), t('Verdict')]}
          />
          <tbody>
            {r.arms.map((a) => {
              const c = vsControl(a.key);
              const v = c ? comparisonVerdict(c) : null;
              return (
                <tr key={a.key} data-arm={a.key}>
                  <th scope="row">
                    {armName(a.key)}
                    {a.removed && <span className="badge badge-neutral variant-removed">{t('removed')}</span>}
                    {a.weight !== null && (
                      <span className="muted">
                        {' '}
                        {t('{weight} %', { weight: formatNumber(Math.round(a.weight * 1000) / 10) })}
                      </span>
                    )}
                  </th>
                  <ArmCells arm={a} />
                  <td className="cell-number" data-label={t('Exposures')}>
                    {formatCount(a.exposures)}
                  </td>
                  <td className="cell-number" data-label={t('Per visitor')}>
                    {formatMoney(a.revenuePerVisitor, r.currency)}
                  </td>
                  <td data-label={t('Lift vs control')}>
                    {c?.enoughData ? (
                      <span className="score-band-lift">
                        <IntervalBar estimate={c.difference} ci={c.interval} format={pp} />
                        <span>
                          {t('{estimate} · p = {p}', { estimate: pp(c.difference), p: formatP(c.pValue) })}
                        </span>
                      </span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td data-label={t('Verdict')}>
                    {v ? (
                      <span className={`badge ${v.tone}`}>{v.text}</span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {pairs.length > 0 && (
        <ul className="variants-pairs" data-testid="variants-pairs">
          {pairs.map((c) => {
            const v = comparisonVerdict(c);
            return (
              <li key={`${c.arm}-${c.against}`}>
                <span>{t('{a} vs {b}', { a: armName(c.arm), b: armName(c.against) })}</span>
                <IntervalBar estimate={c.difference} ci={c.enoughData ? c.interval : null} format={pp} />
                <span className="muted">
                  {c.interval && c.enoughData
                    ? t('{estimate} ({low} to {high}) · p = {p}', {
                        estimate: pp(c.difference),
                        low: pp(c.interval[0]),
                        high: pp(c.interval[1]),
                        p: formatP(c.pValue),
                      })
                    : pp(c.difference)}
                </span>
                <span className={`badge ${v.tone}`}>{v.text}</span>
              </li>
            );
          })}
        </ul>
      )}
      <div className="chart-card variants-chart">
        <div className="chart-title">{t('Lift against control over time (always-valid interval)')}</div>
        {charted ? (
          <UPlotChart
            options={options}
            data={data}
            height={240}
            label={t(
              'Each variant’s interval of its lift against control, day by day; above zero means better than control',
            )}
            testId="variants-chart"
          />
        ) : (
          <p className="alert alert-info" data-testid="variants-not-enough">
            {t(
              'Not enough data yet: the intervals appear once each arm has {visitors} visitors and {conversions} conversions in all.',
              {
                visitors: 100,
                conversions: 10,
              },
            )}
          </p>
        )}
      </div>
    </section>
  );
}
