/** One campaign's lift in full: both groups, conversion and revenue-per-visitor differences with intervals. */
import { useCallback } from 'react';
import { getCampaignLift, type ReportFilters } from '../../api/reports.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { ArmCells } from './arm-cells.tsx';
import { CountryLift } from './country-lift.tsx';
import { CsvLink } from './csv-link.tsx';
import { IntervalBar } from './interval-bar.tsx';
import { comparable, goalText, verdictOf } from './lift-verdict.ts';
import { ReportError } from './report-error.tsx';
import { formatMoney, formatP, formatPercent, formatPoints, formatSources } from './report-format.ts';
import { ScoreBands } from './score-bands.tsx';
import { UpliftBands } from './uplift-bands.tsx';
import { useReport } from './use-report.ts';
import { VariantsPanel } from './variants-panel.tsx';

const pp = (v: number) => formatPoints(v);

export function LiftDetail({
  campaignId,
  filters,
  onClose,
}: {
  campaignId: string;
  filters: ReportFilters;
  onClose: () => void;
}) {
  const t = useT();
  const load = useCallback((f: ReportFilters) => getCampaignLift(campaignId, f), [campaignId]);
  const report = useReport(load, filters);
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  const l = report.data?.lift;
  if (!l) return <LoadingState label={t('Computing the lift…')} />;
  const v = verdictOf(l);
  // In the account's currency, as the funnel writes revenue ("+$3.00").
  const currency = report.data?.currency ?? null;
  const money = (n: number) => `${n > 0 ? '+' : ''}${formatMoney(n, currency)}`;

  return (
    <section className="card lift-detail" aria-labelledby="lift-detail-title" data-testid="lift-detail">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="lift-detail-title">
            {l.campaignName}
          </h3>
          <p className="card-subtitle">
            {t(
              '{share} held out as control · goal {goal} · {days, plural, one {#-day attribution window} other {#-day attribution window}}',
              {
                share: formatPercent(l.controlShare, false, 0),
                goal: goalText(l.goal),
                days: l.attributionWindowDays,
              },
            )}
          </p>
        </div>
        <div className="card-actions">
          <span className={`badge ${v.tone}`}>{v.text}</span>
          <CsvLink
            path={`campaigns/${campaignId}/lift`}
            filters={{ ...filters, campaignId: '' }}
            label={t('Download CSV of the {campaign} lift', { campaign: l.campaignName })}
          />
          <button type="button" className="button button-small button-ghost" onClick={onClose}>
            {t('Close')}
          </button>
        </div>
      </header>
      {!l.enoughData ? (
        <p className="alert alert-info lift-note">
          {t(
            'Not enough data yet: a verdict needs {visitors, plural, one {# visitor} other {# visitors}} in each group and {conversions, plural, one {# conversion} other {# conversions}} in all. The figures so far are shown below.',
            { visitors: l.minimumSample.visitorsPerArm, conversions: l.minimumSample.totalConversions },
          )}
        </p>
      ) : null}
      <div className="table-wrap lift-table">
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">{t('Group')}</th>
              <th scope="col" className="cell-number">
                {t('Visitors')}
              </th>
              <th scope="col" className="cell-number">
                {t('Converted')}
              </th>
              <th scope="col" className="cell-number">
                {t('Rate')}
              </th>
              <th scope="col" className="cell-number">
                {t('Revenue')}
              </th>
              <th scope="col" className="cell-number">
                {t('Per visitor')}
              </th>
              <th scope="col">{t('Seen by')}</th>
            </tr>
          </thead>
          <tbody>
            {(
              [
                [t('Engaged'), l.exposed],
                [t('Control'), l.control],
              ] as const
            ).map(([name, a]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <ArmCells arm={a} />
                <td className="cell-number" data-label={t('Revenue')}>
                  {formatMoney(a.revenue, currency)}
                </td>
                <td className="cell-number" data-label={t('Per visitor')}>
                  {formatMoney(a.revenuePerVisitor, currency)}
                </td>
                <td data-label={t('Seen by')}>{formatSources(a.sources)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {comparable(l) ? (
        <dl className="lift-figures">
          <div>
            <dt>{t('Conversion rate lift')}</dt>
            <dd>
              <IntervalBar estimate={l.absoluteLift.estimate} ci={l.absoluteLift.ci} format={pp} />
              <span>
                {l.absoluteLift.ci
                  ? t('{estimate} (95 %: {low} to {high}) · relative {relative} · p = {p}', {
                      estimate: pp(l.absoluteLift.estimate ?? 0),
                      low: pp(l.absoluteLift.ci[0]),
                      high: pp(l.absoluteLift.ci[1]),
                      relative: formatPercent(l.relativeLift.estimate, true),
                      p: formatP(l.pValue),
                    })
                  : t('{estimate} · relative {relative} · p = {p}', {
                      estimate: pp(l.absoluteLift.estimate ?? 0),
                      relative: formatPercent(l.relativeLift.estimate, true),
                      p: formatP(l.pValue),
                    })}
              </span>
            </dd>
          </div>
          <div>
            <dt>{t('Revenue per visitor')}</dt>
            <dd>
              <IntervalBar
                estimate={l.revenue.difference.estimate}
                ci={l.revenue.difference.ci}
                format={money}
              />
              <span>
                {l.revenue.difference.ci
                  ? t('{estimate} (95 % Welch: {low} to {high}) · p = {p}', {
                      estimate: money(l.revenue.difference.estimate ?? 0),
                      low: money(l.revenue.difference.ci[0]),
                      high: money(l.revenue.difference.ci[1]),
                      p: formatP(l.revenue.pValue),
                    })
                  : t('{estimate} · p = {p}', {
                      estimate: money(l.revenue.difference.estimate ?? 0),
                      p: formatP(l.revenue.pValue),
                    })}
                {l.revenue.bootstrap
                  ? ` · ${t('bootstrap: {low} to {high}', {
                      low: money(l.revenue.bootstrap.ci[0]),
                      high: money(l.revenue.bootstrap.ci[1]),
                    })}`
                  : ''}
              </span>
            </dd>
          </div>
        </dl>
      ) : (
        <p className="muted lift-note">
          {t('The lift appears once both the engaged and the control group have visitors.')}
        </p>
      )}
      <VariantsPanel campaignId={campaignId} filters={filters} />
      <ScoreBands campaignId={campaignId} filters={filters} />
      <UpliftBands campaignId={campaignId} filters={filters} />
      <CountryLift campaignId={campaignId} filters={filters} />
    </section>
  );
}
