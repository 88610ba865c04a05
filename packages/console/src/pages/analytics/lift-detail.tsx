/** One campaign's lift in full: both groups, conversion and revenue-per-visitor differences with intervals. */
import { useCallback } from 'react';
import { getCampaignLift, type ReportFilters } from '../../api/reports.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { CsvLink } from './csv-link.tsx';
import { IntervalBar } from './interval-bar.tsx';
import { comparable, verdictOf } from './lift-verdict.ts';
import { ReportError } from './report-error.tsx';
import {
  formatCount,
  formatMoney,
  formatP,
  formatPercent,
  formatPoints,
  formatSources,
} from './report-format.ts';
import { ScoreBands } from './score-bands.tsx';
import { useReport } from './use-report.ts';

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
  const load = useCallback((f: ReportFilters) => getCampaignLift(campaignId, f), [campaignId]);
  const report = useReport(load, filters);
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  const l = report.data?.lift;
  if (!l) return <LoadingState label="Computing the lift…" />;
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
            {Math.round(l.controlShare * 100)} % held out as control · goal {l.goal} ·{' '}
            {l.attributionWindowDays}-day attribution window
          </p>
        </div>
        <div className="card-actions">
          <span className={`badge ${v.tone}`}>{v.text}</span>
          <CsvLink
            path={`campaigns/${campaignId}/lift`}
            filters={{ ...filters, campaignId: '' }}
            label={`${l.campaignName} lift`}
          />
          <button type="button" className="button button-small button-ghost" onClick={onClose}>
            Close
          </button>
        </div>
      </header>
      {!l.enoughData ? (
        <p className="alert alert-info lift-note">
          Not enough data yet: a verdict needs {l.minimumSample.visitorsPerArm} visitors in each group and{' '}
          {l.minimumSample.totalConversions} conversions in all. The figures so far are shown below.
        </p>
      ) : null}
      <div className="table-wrap lift-table">
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col" className="cell-number">
                Visitors
              </th>
              <th scope="col" className="cell-number">
                Converted
              </th>
              <th scope="col" className="cell-number">
                Rate
              </th>
              <th scope="col" className="cell-number">
                Revenue
              </th>
              <th scope="col" className="cell-number">
                Per visitor
              </th>
              <th scope="col">Seen by</th>
            </tr>
          </thead>
          <tbody>
            {(
              [
                ['Engaged', l.exposed],
                ['Control', l.control],
              ] as const
            ).map(([name, a]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td className="cell-number" data-label="Visitors">
                  {formatCount(a.visitors)}
                </td>
                <td className="cell-number" data-label="Converted">
                  {formatCount(a.converted)}
                </td>
                <td className="cell-number" data-label="Rate">
                  {formatPercent(a.conversionRate, false, 2)}
                </td>
                <td className="cell-number" data-label="Revenue">
                  {formatMoney(a.revenue, currency)}
                </td>
                <td className="cell-number" data-label="Per visitor">
                  {formatMoney(a.revenuePerVisitor, currency)}
                </td>
                <td data-label="Seen by">{formatSources(a.sources)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {comparable(l) ? (
        <dl className="lift-figures">
          <div>
            <dt>Conversion rate lift</dt>
            <dd>
              <IntervalBar estimate={l.absoluteLift.estimate} ci={l.absoluteLift.ci} format={pp} />
              <span>
                {pp(l.absoluteLift.estimate ?? 0)}
                {l.absoluteLift.ci
                  ? ` (95 %: ${pp(l.absoluteLift.ci[0])} to ${pp(l.absoluteLift.ci[1])})`
                  : ''}{' '}
                · relative {formatPercent(l.relativeLift.estimate, true)} · p = {formatP(l.pValue)}
              </span>
            </dd>
          </div>
          <div>
            <dt>Revenue per visitor</dt>
            <dd>
              <IntervalBar
                estimate={l.revenue.difference.estimate}
                ci={l.revenue.difference.ci}
                format={money}
              />
              <span>
                {money(l.revenue.difference.estimate ?? 0)}
                {l.revenue.difference.ci
                  ? ` (95 % Welch: ${money(l.revenue.difference.ci[0])} to ${money(l.revenue.difference.ci[1])})`
                  : ''}{' '}
                · p = {formatP(l.revenue.pValue)}
                {l.revenue.bootstrap
                  ? ` · bootstrap: ${money(l.revenue.bootstrap.ci[0])} to ${money(l.revenue.bootstrap.ci[1])}`
                  : ''}
              </span>
            </dd>
          </div>
        </dl>
      ) : (
        <p className="muted lift-note">
          The lift appears once both the engaged and the control group have visitors.
        </p>
      )}
      <ScoreBands campaignId={campaignId} filters={filters} />
    </section>
  );
}
