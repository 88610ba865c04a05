/** An arm's visitors, converted visitors and conversion rate: the first figure cells of a lift table's row. */
import { useT } from '../../i18n/language-context.tsx';
import { formatCount, formatPercent } from './report-format.ts';

export function ArmCells({ arm }: { arm: { visitors: number; converted: number; conversionRate: number } }) {
  const t = useT();
  return (
    <>
      <td className="cell-number" data-label={t('Visitors')}>
        {formatCount(arm.visitors)}
      </td>
      <td className="cell-number" data-label={t('Converted')}>
        {formatCount(arm.converted)}
      </td>
      <td className="cell-number" data-label={t('Rate')}>
        {formatPercent(arm.conversionRate, false, 2)}
      </td>
    </>
  );
}
