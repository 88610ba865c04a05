/** Campaign lift: exposed vs control per campaign, lifts with their 95 % intervals and p-values. */
import { useState } from 'react';
import { type CampaignLiftList, getLiftList, type ReportFilters } from '../../api/reports.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { CsvLink } from './csv-link.tsx';
import { IntervalBar } from './interval-bar.tsx';
import { LiftDetail } from './lift-detail.tsx';
import { comparable, goalText, verdictOf } from './lift-verdict.ts';
import { ReportError } from './report-error.tsx';
import { formatCount, formatMoney, formatP, formatPercent, formatPoints } from './report-format.ts';
import { useReport } from './use-report.ts';
import './lift-tab.css';

const pp = (v: number) => formatPoints(v);

/**
 * How a conversion is credited, as the attribution does it: in full to every campaign that showed the
 * visitor its engagement within its window. With shared conversions, the sum over the rows beside the
 * distinct count, so nobody adds the rows up and takes it for the shop's total.
 */
function CreditNote({ list }: { list: CampaignLiftList }) {
  const t = useT();
  const o = list.overlap;
  return (
    <section className="credit-note" aria-label={t('How conversions are credited')} data-testid="lift-credit">
      <p>
        {t(
          'A purchase (or goal) is credited to every campaign that engaged the visitor within its attribution window; totals across campaigns can count a purchase more than once.',
        )}
      </p>
      {o && o.shared > 0 ? (
        <dl className="credit-figures">
          <div>
            <dt>{t('Conversions, added over campaigns')}</dt>
            <dd data-testid="lift-credit-summed">
              {formatCount(o.summed)} · {formatMoney(o.summedRevenue, list.currency)}
            </dd>
          </div>
          <div>
            <dt>{t('Distinct conversions')}</dt>
            <dd data-testid="lift-credit-distinct">
              {formatCount(o.conversions)} · {formatMoney(o.revenue, list.currency)}
            </dd>
          </div>
          <div>
            <dt>{t('Credited to more than one campaign')}</dt>
            <dd data-testid="lift-credit-shared">
              {t('{count, plural, one {# conversion} other {# conversions}}', { count: o.shared })}
            </dd>
          </div>
        </dl>
      ) : null}
    </section>
  );
}

export function LiftTab({ filters }: { filters: ReportFilters }) {
  const t = useT();
  const report = useReport(getLiftList, filters);
  const [open, setOpen] = useState<string | null>(null);
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  const list = report.data;
  if (!list) return <LoadingState label={t('Comparing campaigns with their control groups…')} />;
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
          {t(
            'Visitors who qualified in the period: shown the engagement, or held out as the control group. Converted means a purchase (or the campaign’s goal) within the campaign’s attribution window.',
          )}
        </p>
        <CsvLink path="campaigns" filters={filters} label={t('Download CSV of campaign lift')} />
      </div>
      {list.campaigns.length === 0 ? (
        <p className="muted">{t('No campaigns match these filters.')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">{t('Campaign')}</th>
                <th scope="col" className="cell-number">
                  {t('Engaged')}
                </th>
                <th scope="col" className="cell-number">
                  {t('Control')}
                </th>
                <th scope="col">{t('Lift in conversion rate ({level} interval)', { level: '95\u00a0%' })}</th>
                <th scope="col" className="cell-number">
                  {t('Relative')}
                </th>
                <th scope="col" className="cell-number lift-head-whole">
                  {t('p-value')}
                </th>
                <th scope="col">{t('Verdict')}</th>
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
                        {t('Goal: {goal} · {days, plural, one {#-day window} other {#-day window}}', {
                          goal: goalText(c.goal),
                          days: c.attributionWindowDays,
                        })}
                      </div>
                    </th>
                    <td className="cell-number" data-label={t('Engaged')}>
                      {formatPercent(c.exposed.conversionRate, false, 2)}
                      <div className="muted cell-sub">
                        {formatCount(c.exposed.converted)} / {formatCount(c.exposed.visitors)}
                      </div>
                    </td>
                    <td className="cell-number" data-label={t('Control')}>
                      {c.control.visitors === 0 ? (
                        <span title={t('Nobody is held out of this campaign')}>—</span>
                      ) : (
                        <>
                          {formatPercent(c.control.conversionRate, false, 2)}
                          <div className="muted cell-sub">
                            {formatCount(c.control.converted)} / {formatCount(c.control.visitors)}
                          </div>
                        </>
                      )}
                    </td>
                    <td data-label={t('Lift (95 %)')}>
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
                              ? t('{estimate} ({low} to {high})', {
                                  estimate: pp(c.absoluteLift.estimate ?? 0),
                                  low: pp(c.absoluteLift.ci[0]),
                                  high: pp(c.absoluteLift.ci[1]),
                                })
                              : '—'}
                          </span>
                        </div>
                      ) : (
                        <span className="muted cell-sub">
                          {c.control.visitors === 0
                            ? t('No control visitors to compare with')
                            : t('No engaged visitors yet')}
                        </span>
                      )}
                    </td>
                    <td className="cell-number" data-label={t('Relative')}>
                      {comparable(c) ? formatPercent(c.relativeLift.estimate, true) : '—'}
                    </td>
                    <td className="cell-number" data-label={t('p-value')}>
                      {comparable(c) ? formatP(c.pValue) : '—'}
                    </td>
                    <td data-label={t('Verdict')}>
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
