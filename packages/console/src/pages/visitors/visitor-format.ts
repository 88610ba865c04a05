/** How visitors are described: short ids, money, durations, sources and engagement states. */
import type { JourneyExposure, VisitorExposure, VisitorSummary } from '../../api/types.ts';

/** The first 8 characters of a visitor id: enough to tell visitors apart on screen. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** "$123.50" in the cart's currency. */
export { formatMoney } from '../../components/format.ts';

/** 7 → "7 s", 65 → "1:05", 3700 → "1 h 01 min": compact, for a ticking table cell. */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const CHANNEL_LABELS: Record<string, string> = {
  direct: 'Direct',
  search: 'Search',
  social: 'Social',
  email: 'Email',
  paid: 'Paid',
  affiliate: 'Affiliate',
  referral: 'Referral',
  internal: 'Internal',
  other: 'Other',
};

export function channelLabel(channel: string | null | undefined): string {
  if (!channel) return '—';
  return CHANNEL_LABELS[channel] ?? channel;
}

export const DEVICE_LABELS: Record<string, string> = {
  desktop: 'Desktop',
  tablet: 'Tablet',
  mobile: 'Mobile',
  other: 'Other device',
};

export type EngagementState = 'exposed' | 'control' | 'none';

/** Where a visitor stands with campaigns this visit: engaged, held back as control, or untouched. */
export function engagementState(visitor: Pick<VisitorSummary, 'exposures'>): {
  state: EngagementState;
  latest: VisitorExposure | undefined;
} {
  const shown = visitor.exposures.filter((e) => !e.control);
  if (shown.length > 0) return { state: 'exposed', latest: shown.at(-1) };
  const control = visitor.exposures.find((e) => e.control);
  return { state: control ? 'control' : 'none', latest: control };
}

export const OUTCOME_LABELS: Record<string, string> = {
  pending: 'Sent',
  shown: 'Shown',
  accepted: 'Accepted',
  dismissed: 'Dismissed',
  clicked: 'Clicked',
  ignored: 'Ignored',
  control: 'Control',
};

export function outcomeLabel(outcome: string | null | undefined): string {
  if (!outcome) return 'Sent';
  return OUTCOME_LABELS[outcome] ?? outcome;
}

/** The page as a person reads it: its title, else its path. */
export function pageLabel(page: { url: string; title?: string; path?: string }): string {
  if (page.title?.trim()) return page.title.trim();
  if (page.path) return page.path;
  try {
    const url = new URL(page.url);
    return url.pathname + url.search;
  } catch {
    return page.url;
  }
}

/** The path (and query) of a URL, for a compact second line. */
export function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search + parsed.hash;
  } catch {
    return url;
  }
}

/**
 * What an exposure is called: its campaign, or for a manual invitation (stored without a campaign,
 * 'manual' while live) the agent who sent it. Without the exposure itself, an agent's invitation.
 */
export function exposureName(exposure: JourneyExposure | undefined): string {
  if (!exposure || exposure.campaignId === null || exposure.campaignId === 'manual') {
    return exposure?.agentName ? `Invitation by ${exposure.agentName}` : 'Invitation by an agent';
  }
  return exposure.campaignName ?? 'A deleted campaign';
}
