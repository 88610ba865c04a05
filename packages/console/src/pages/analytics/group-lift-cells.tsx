/** A lift table split by group (score bands, countries): one row a group, with both arms, revenue, lift and verdict. */
import type { ReactNode } from 'react';
import type { ScoreBandFigures } from '../../api/reports.ts';
import { useT } from '../../i18n/language-context.tsx';
import { IntervalBar } from './interval-bar.tsx';
import { formatCount, formatMoney, formatPercent, formatPoints } from './report-format.ts';

const pp = (v: number) => formatPoints(v, 1);

/** The table, its head naming the groups (`groups`) and the last column (`verdict`); `children` are its rows. */
export function GroupLiftTable({
  testId,
  groups,
  verdict,
  children,
}: {
  testId: string;
  groups: string;
  verdict: string;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{groups}</th>
            <th scope="col" className="cell-number">
              {t('Engaged')}
            </th>
            <th scope="col" className="cell-number">
              {t('Control')}
            </th>
            <th scope="col" className="cell-number">
              {t('Revenue per visitor')} <span className="muted">{t('engaged vs control')}</span>
            </th>
            <th scope="col">{t('Conversion lift (95 %)')}</th>
            <th scope="col">{verdict}</th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** The cells of one group's row after its name. */
export function GroupLiftCells({
  group,
  currency,
  badge,
  badgeLabel,
}: {
  group: Pick<ScoreBandFigures, 'exposed' | 'control' | 'absoluteLift'>;
  currency: string | null;
  /** The last cell's words and tone. */
  badge: [string, string];
  badgeLabel: string;
}) {
  const t = useT();
  const [text, tone] = badge;
  return (
    <>
      <td className="cell-number" data-label={t('Engaged')}>
        {formatPercent(group.exposed.conversionRate, false, 1)}{' '}
        <span className="muted">{t('of {count}', { count: formatCount(group.exposed.visitors) })}</span>
      </td>
      <td className="cell-number" data-label={t('Control')}>
        {formatPercent(group.control.conversionRate, false, 1)}{' '}
        <span className="muted">{t('of {count}', { count: formatCount(group.control.visitors) })}</span>
      </td>
      <td className="cell-number" data-label={t('Revenue per visitor')}>
        {formatMoney(group.exposed.revenuePerVisitor, currency)}{' '}
        <span className="muted">
          {t('vs {amount}', { amount: formatMoney(group.control.revenuePerVisitor, currency) })}
        </span>
      </td>
      <td data-label={t('Lift (95 %)')}>
        <span className="score-band-lift">
          <IntervalBar estimate={group.absoluteLift.estimate} ci={group.absoluteLift.ci} format={pp} />
          <span>{group.absoluteLift.estimate === null ? '—' : pp(group.absoluteLift.estimate)}</span>
        </span>
      </td>
      <td data-label={badgeLabel}>
        <span className={`badge ${tone}`}>{text}</span>
      </td>
    </>
  );
}
