/** A visitor's engagement this visit: exposed (with the latest outcome), in a control group, or none. */
import type { VisitorSummary } from '../../api/types.ts';
import { useT } from '../../i18n/language-context.tsx';
import { engagementState, outcomeLabel } from './visitor-format.ts';

export function EngagementBadge({ visitor }: { visitor: Pick<VisitorSummary, 'exposures'> }) {
  const t = useT();
  const { state, latest } = engagementState(visitor);
  if (state === 'none') {
    return (
      <span className="muted" data-testid="engagement-state" data-state="none">
        {t('None')}
      </span>
    );
  }
  if (state === 'control') {
    return (
      <span className="badge badge-control" data-testid="engagement-state" data-state="control">
        {t('Control')}
      </span>
    );
  }
  return (
    <span className="badge badge-exposed" data-testid="engagement-state" data-state="exposed">
      {latest
        ? t('Exposed · {outcome}', { outcome: outcomeLabel(latest.outcome).toLowerCase() })
        : t('Exposed')}
    </span>
  );
}
