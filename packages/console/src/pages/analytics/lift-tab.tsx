/** Campaign lift: exposed vs control per campaign, lifts with their 95 % intervals and p-values. */
import { useState } from 'react';
import { type CampaignLiftList, getLiftList, type ReportFilters } from '../../api/reports.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { CsvLink } from './csv-link.tsx';
import { IntervalBar } from './interval-bar.tsx';
import { LiftDetail } from './lift-detail.tsx';
import { comparable, verdictOf } from './lift-verdict.ts';
import { ReportError } from './report-error.tsx';
import {
  formatCount,
  formatCountOf,
  formatMoney,
  formatP,
  formatPercent,
  formatPoints,
} from './report-format.ts';
import { useReport } from './use-report.ts';
import './lift-tab.css';

const pp = (v: number) => formatPoints(v);

/**
 * How a conversion is credited, as the attribution does it: in full to every campaign that showed the
 * visitor its engagement within its window. With shared conversions, the sum over the rows beside the
 * distinct count, so nobody adds the rows up and takes it for the shop's total.
 */
function CreditNote({ list }: { list: CampaignLiftList }) {
  const o = list.overlap;
  return (
    <section className="credit-note" aria-label="How conversions are credited" data-testid="lift-credit">
      <p>
        A purchase (or goal) is credited to every campaign that engaged the visitor within its attribution
        window; totals across campaigns can count a purchase more than once.
      </p>
      {o && o.shared > 0 ? (
        <dl className="credit-figures">
          <div>
            <dt>Conversions, added over campaigns</dt>
            <dd data-testid="lift-credit-summed">
              {formatCount(o.summed)} · {formatMoney(o.summedRevenue, list.currency)}
            </dd>
          </div>
          <div>
            <dt>Distinct conversions</dt>
            <dd data-testid="lift-credit-distinct">
              {formatCount(o.conversions)} · {formatMoney(o.revenue, list.currency)}
            </dd>
          </div>
          <div>
            <dt>Credited to more than one campaign</dt>
            <dd data-testid="lift-credit-shared">{formatCountOf(o.shared, 'conversion', 'conversions')}</dd>
          </div>
        </dl>
      ) : null}
    </section>
  );
}

export function LiftTab({ filters }: { filters: ReportFilters }) {
  const report = useReport(getLiftList, filters);
  const [open, setOpen] = useState<string | null>(null);
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  const list = report.data;
  if (!list) return <LoadingState label="Comparing campaigns with their control groups…" />;
  const span =
    Math.max(
      0.01,
      ...list.campaigns.flatMap((c) =>
        c.absoluteLift.ci && comparable(c) ? c.absoluteLift.ci.map(Math.abs) : [],
      ),
    ) * 1.1;

  return (
    <div className="report" data-testid="lift-report">
      <div className="table-toolbar">
        <p className="muted">
          Visitors who qualified in the period: shown the engagement, or held out as the control group.
          Converted means a purchase (or the campaign’s goal) within the campaign’s attribution window.
        </p>
        <CsvLink path="campaigns" filters={filters} label="campaign lift" />
      </div>
      {list.campaigns.length === 0 ? (
        <p className="muted">No campaigns match these filters.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Campaign</th>
                <th scope="col" className="cell-number">
                  Engaged
                </th>
                <th scope="col" className="cell-number">
                  Control
                </th>
                <th scope="col">{'Lift in conversion rate (95\u00a0% interval)'}</th>
                <th scope="col" className="cell-number">
                  Relative
                </th>
                <th scope="col" className="cell-number lift-head-whole">
                  p-value
                </th>
                <th scope="col">Verdict</th>
              </tr>
            </thead>
            <tbody>
              {list.campaigns.map((c) => {
                const v = verdictOf(c);
                const expanded = open === c.campaignId;
                return (
                  <tr key={c.campaignId} data-testid={`lift-${c.campaignId}`}>
                    <th scope="row">
                      <button
                        type="button"
                        className="link-button cell-strong"
                        aria-expanded={expanded}
                        onClick={() => setOpen(expanded ? null : c.campaignId)}
                      >
                        {c.campaignName}
                      </button>
                      <div className="muted cell-sub">
                        Goal: {c.goal} · {c.attributionWindowDays}-day window
                      </div>
                    </th>
                    <td className="cell-number" data-label="Engaged">
                      {formatPercent(c.exposed.conversionRate, false, 2)}
                      <div className="muted cell-sub">
                        {formatCount(c.exposed.converted)} / {formatCount(c.exposed.visitors)}
                      </div>
                    </td>
                    <td className="cell-number" data-label="Control">
                      {c.control.visitors === 0 ? (
                        <span title="Nobody is held out of this campaign">—</span>
                      ) : (
                        <>
                          {formatPercent(c.control.conversionRate, false, 2)}
                          <div className="muted cell-sub">
                            {formatCount(c.control.converted)} / {formatCount(c.control.visitors)}
                          </div>
                        </>
                      )}
                    </td>
                    <td data-label="Lift (95 %)">
                      {comparable(c) ? (
                        <div className="interval-cell">
                          <IntervalBar
                            estimate={c.absoluteLift.estimate}
                            ci={c.absoluteLift.ci}
                            span={span}
                            format={pp}
                          />
                          <span className="cell-sub">
                            {c.absoluteLift.ci
                              ? `${pp(c.absoluteLift.estimate ?? 0)} (${pp(c.absoluteLift.ci[0])} to ${pp(c.absoluteLift.ci[1])})`
                              : '—'}
                          </span>
                        </div>
                      ) : (
                        <span className="muted cell-sub">
                          {c.control.visitors === 0
                            ? 'No control visitors to compare with'
                            : 'No engaged visitors yet'}
                        </span>
                      )}
                    </td>
                    <td className="cell-number" data-label="Relative">
                      {comparable(c) ? formatPercent(c.relativeLift.estimate, true) : '—'}
                    </td>
                    <td className="cell-number" data-label="p-value">
                      {comparable(c) ? formatP(c.pValue) : '—'}
                    </td>
                    <td data-label="Verdict">
                      <span className={`badge ${v.tone}`}>{v.text}</span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {list.campaigns.length > 0 ? <CreditNote list={list} /> : null}
      {open ? <LiftDetail campaignId={open} filters={filters} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}
