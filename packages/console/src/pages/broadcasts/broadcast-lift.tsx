/**
 * What a broadcast changed: the contacts who got it against the holdout who got nothing —
 * conversion rate and revenue per contact in each, and the differences with their 95 % intervals, drawn as
 * the campaign lift report draws it. Until the server measures it, a line says when it appears.
 */
import type { BroadcastLift, LiftArm, LiftInterval } from '../../api/broadcasts.ts';
import { useT } from '../../i18n/language-context.tsx';
import { IntervalBar } from '../analytics/interval-bar.tsx';
import {
  formatCount,
  formatMoney,
  formatP,
  formatPercent,
  formatPoints,
} from '../analytics/report-format.ts';
import { ReportTableHead } from '../analytics/report-table-head.tsx';

/** An interval as a pair, whichever way the server wrote it. */
const pairOf = (ci: LiftInterval | null): [number, number] | null =>
  ci === null ? null : Array.isArray(ci) ? ci : [ci.low, ci.high];

/** The verdict in words and a badge tone. */
function verdictText(lift: BroadcastLift, t: ReturnType<typeof useT>): { text: string; tone: string } {
  switch (lift.verdict) {
    case 'treatment_better':
      return { text: t('The broadcast wins'), tone: 'badge-active' };
    case 'control_better':
      return { text: t('The holdout does better'), tone: 'badge-danger' };
    case 'no_significant_difference':
      return { text: t('No clear difference'), tone: 'badge-neutral' };
    default:
      return { text: t('Not enough data yet'), tone: 'badge-paused' };
  }
}

export function BroadcastLiftPanel({
  lift,
  holdoutPercent,
}: {
  lift: BroadcastLift | null | undefined;
  holdoutPercent: number;
}) {
  const t = useT();
  if (!lift)
    return (
      <section
        className="card broadcast-card"
        aria-labelledby="broadcast-lift-title"
        data-testid="broadcast-lift"
      >
        <header className="card-header">
          <h2 className="card-title" id="broadcast-lift-title">
            {t('Lift against the holdout')}
          </h2>
        </header>
        <p className="muted broadcast-card-body" data-testid="broadcast-lift-pending">
          {holdoutPercent === 0
            ? t('This broadcast keeps no holdout, so there is nothing to measure it against.')
            : t('Results appear once messages go out.')}
        </p>
      </section>
    );
  const v = verdictText(lift, t);
  const money = (n: number) => formatMoney(n, lift.currency);
  const signedMoney = (n: number) => `${n > 0 ? '+' : ''}${money(n)}`;
  const abs = lift.absoluteLift;
  const ci = pairOf(abs.ci);
  const rev = lift.revenue.difference;
  const revCi = pairOf(rev.ci);
  const arms: [string, LiftArm][] = [
    [t('Send group'), lift.send],
    [t('Holdout'), lift.holdout],
  ];
  return (
    <section
      className="card broadcast-card lift-detail"
      aria-labelledby="broadcast-lift-title"
      data-testid="broadcast-lift"
    >
      <header className="card-header">
        <div className="card-title-block">
          <h2 className="card-title" id="broadcast-lift-title">
            {t('Lift against the holdout')}
          </h2>
          <p className="card-subtitle">
            {t(
              '{days, plural, one {Conversions within # day of the send} other {Conversions within # days of the send}}',
              {
                days: lift.attributionWindowDays,
              },
            )}
          </p>
        </div>
        <span className={`badge ${v.tone}`} data-testid="broadcast-lift-verdict">
          {v.text}
        </span>
      </header>
      {!lift.enoughData && (
        <p className="alert alert-info lift-note">
          {t('Not enough data yet for a verdict. The figures so far are shown below.')}
        </p>
      )}
      <div className="table-wrap lift-table">
        <table className="table table-compact">
          <ReportTableHead
            first={t('Group')}
            figures={[t('Contacts'), t('Converted'), t('Rate'), t('Revenue'), t('Per contact')]}
          />
          <tbody>
            {arms.map(([name, a]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td className="cell-number" data-label={t('Contacts')}>
                  {formatCount(a.contacts)}
                </td>
                <td className="cell-number" data-label={t('Converted')}>
                  {formatCount(a.converted)}
                </td>
                <td className="cell-number" data-label={t('Rate')}>
                  {formatPercent(a.conversionRate, false, 2)}
                </td>
                <td className="cell-number" data-label={t('Revenue')}>
                  {money(a.revenue)}
                </td>
                <td className="cell-number" data-label={t('Per contact')}>
                  {money(a.revenuePerContact)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="lift-figures">
        <div>
          <dt>{t('Conversion rate lift')}</dt>
          <dd>
            <IntervalBar estimate={abs.estimate} ci={ci} format={(n) => formatPoints(n)} />
            <span>
              {abs.estimate === null
                ? t('Not measurable yet')
                : ci
                  ? t('{estimate} (95 %: {low} to {high}) · relative {relative} · p = {p}', {
                      estimate: formatPoints(abs.estimate),
                      low: formatPoints(ci[0]),
                      high: formatPoints(ci[1]),
                      relative: formatPercent(lift.relativeLift.estimate, true),
                      p: formatP(lift.pValue),
                    })
                  : t('{estimate} · relative {relative} · p = {p}', {
                      estimate: formatPoints(abs.estimate),
                      relative: formatPercent(lift.relativeLift.estimate, true),
                      p: formatP(lift.pValue),
                    })}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('Revenue per contact')}</dt>
          <dd data-testid="broadcast-revenue-lift">
            <IntervalBar estimate={rev.estimate} ci={revCi} format={signedMoney} />
            <span>
              {rev.estimate === null
                ? t('{send} with the message, {holdout} without: {difference}', {
                    send: money(lift.send.revenuePerContact),
                    holdout: money(lift.holdout.revenuePerContact),
                    difference: signedMoney(lift.send.revenuePerContact - lift.holdout.revenuePerContact),
                  })
                : revCi
                  ? t('{estimate} (95 % Welch: {low} to {high}) · p = {p}', {
                      estimate: signedMoney(rev.estimate),
                      low: signedMoney(revCi[0]),
                      high: signedMoney(revCi[1]),
                      p: formatP(lift.revenue.pValue),
                    })
                  : t('{estimate} · p = {p}', {
                      estimate: signedMoney(rev.estimate),
                      p: formatP(lift.revenue.pValue),
                    })}
            </span>
          </dd>
        </div>
      </dl>
    </section>
  );
}
