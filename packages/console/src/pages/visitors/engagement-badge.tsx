/** A visitor's engagement this visit: exposed (with the latest outcome), in a control group, or none. */
import type { VisitorSummary } from '../../api/types.ts';
import { engagementState, outcomeLabel } from './visitor-format.ts';

export function EngagementBadge({ visitor }: { visitor: Pick<VisitorSummary, 'exposures'> }) {
  const { state, latest } = engagementState(visitor);
  if (state === 'none') {
    return (
      <span className="muted" data-testid="engagement-state" data-state="none">
        None
      </span>
    );
  }
  if (state === 'control') {
    return (
      <span className="badge badge-control" data-testid="engagement-state" data-state="control">
        Control
      </span>
    );
  }
  return (
    <span className="badge badge-exposed" data-testid="engagement-state" data-state="exposed">
      Exposed{latest ? ` · ${outcomeLabel(latest.outcome).toLowerCase()}` : ''}
    </span>
  );
}
