import type { CampaignLift } from '../../api/reports.ts';
import { t } from '../../i18n/i18n.ts';

/** How a lift reads, in words (the console's language) and a badge tone. */
export function verdictOf(l: CampaignLift): { text: string; tone: string } {
  if (l.control.visitors === 0 && l.controlShare === 0)
    return { text: t('No control group'), tone: 'badge-neutral' };
  switch (l.verdict) {
    case 'treatment_better':
      return { text: t('Engagement wins'), tone: 'badge-active' };
    case 'control_better':
      return { text: t('Control wins'), tone: 'badge-danger' };
    case 'no_significant_difference':
      return { text: t('No clear difference'), tone: 'badge-neutral' };
    default:
      return { text: t('Not enough data yet'), tone: 'badge-paused' };
  }
}

/** Whether both groups have visitors, so an interval means something. */
export const comparable = (l: CampaignLift) => l.exposed.visitors > 0 && l.control.visitors > 0;

/** A campaign's goal as the server labels it ("purchase", "event: signup"), in the console's language. */
export function goalText(goal: string): string {
  if (goal === 'purchase') return t('purchase');
  if (goal.startsWith('event: ')) return t('event: {name}', { name: goal.slice('event: '.length) });
  return goal;
}
