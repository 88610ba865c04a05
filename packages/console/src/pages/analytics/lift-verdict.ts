import type { CampaignLift } from '../../api/reports.ts';

/** How a lift reads, in words and a badge tone. */
export function verdictOf(l: CampaignLift): { text: string; tone: string } {
  if (l.control.visitors === 0 && l.controlShare === 0)
    return { text: 'No control group', tone: 'badge-neutral' };
  switch (l.verdict) {
    case 'treatment_better':
      return { text: 'Engagement wins', tone: 'badge-active' };
    case 'control_better':
      return { text: 'Control wins', tone: 'badge-danger' };
    case 'no_significant_difference':
      return { text: 'No clear difference', tone: 'badge-neutral' };
    default:
      return { text: 'Not enough data yet', tone: 'badge-paused' };
  }
}

/** Whether both groups have visitors, so an interval means something. */
export const comparable = (l: CampaignLift) => l.exposed.visitors > 0 && l.control.visitors > 0;
