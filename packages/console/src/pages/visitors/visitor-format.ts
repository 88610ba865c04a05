/** How visitors are described: short ids, money, durations, sources and engagement states. */
import type { JourneyExposure, VisitorExposure, VisitorSummary } from '../../api/types.ts';
import { t } from '../../i18n/i18n.ts';

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

export function channelLabel(channel: string | null | undefined): string {
  switch (channel) {
    case null:
    case undefined:
    case '':
      return '—';
    case 'direct':
      return t('Direct');
    case 'search':
      return t('Search');
    case 'social':
      return t('Social');
    case 'email':
      return t('Email');
    case 'paid':
      return t('Paid');
    case 'affiliate':
      return t('Affiliate');
    case 'referral':
      return t('Referral');
    case 'internal':
      return t('Internal');
    case 'other':
      return t('Other');
    default:
      return channel;
  }
}

/** A device's name in the user's language, read each time (`DEVICE_LABELS.mobile`). */
export const DEVICE_LABELS: Record<string, string> = {
  get desktop() {
    return t('Desktop');
  },
  get tablet() {
    return t('Tablet');
  },
  get mobile() {
    return t('Mobile');
  },
  get other() {
    return t('Other device');
  },
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

export function outcomeLabel(outcome: string | null | undefined): string {
  switch (outcome) {
    case null:
    case undefined:
    case '':
    case 'pending':
      return t('Sent');
    case 'shown':
      return t('Shown');
    case 'accepted':
      return t('Accepted');
    case 'dismissed':
      return t('Dismissed');
    case 'clicked':
      return t('Clicked');
    case 'ignored':
      return t('Ignored');
    case 'control':
      return t('Control');
    default:
      return outcome;
  }
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
    return exposure?.agentName
      ? t('Invitation by {agent}', { agent: exposure.agentName })
      : t('Invitation by an agent');
  }
  return exposure.campaignName ?? t('A deleted campaign');
}
