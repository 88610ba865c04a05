import type { TouchKindColumn } from '../store/schema.ts';

export const DAY_MS = 86_400_000;
/** Window for touches without a campaign (manual invitations, chats the visitor started). */
export const DEFAULT_WINDOW_DAYS = 7;
export const MAX_WINDOW_DAYS = 31;

/** What a conversion is, as far as matching campaign goals is concerned. */
export interface ConversionFact {
  kind: 'purchase' | 'goal';
  /** The custom event's name for a goal. */
  goalName: string | null;
  ts: number;
}

/** A campaign's goal and attribution window. */
export interface CampaignTerms {
  goal: { type: 'purchase' } | { type: 'event'; name: string };
  windowDays: number;
}

/** Something that happened to the visitor before converting and may take credit for it. */
export interface Touch {
  /** Exposure id, or conversation id for a conversation the visitor started. */
  id: string;
  campaignId: string | null;
  exposureId: string | null;
  conversationId: string | null;
  agentId: string | null;
  skillId: string | null;
  control: boolean;
  kind: TouchKindColumn;
  at: number;
}

/** A touch kept for a conversion, with the window that admitted it and whether it takes the credit. */
export interface AttributedTouch extends Touch {
  windowDays: number;
  credited: boolean;
}

/** Whether a campaign's goal is reached by this conversion. */
export function goalMatches(terms: CampaignTerms, c: ConversionFact): boolean {
  if (terms.goal.type === 'purchase') return c.kind === 'purchase';
  return c.kind === 'goal' && c.goalName === terms.goal.name;
}

/** Clamps a campaign's window to 1…31 days (7 when unset or invalid). */
export function windowDaysOf(days: number | null | undefined): number {
  if (!Number.isFinite(days) || !days || days < 1) return DEFAULT_WINDOW_DAYS;
  return Math.min(MAX_WINDOW_DAYS, Math.floor(days));
}

/** True when the touch happened at or before the conversion and at most `windowDays` earlier (both edges inclusive). */
export function withinWindow(touchAt: number, conversionAt: number, windowDays: number): boolean {
  return touchAt <= conversionAt && conversionAt - touchAt <= windowDays * DAY_MS;
}

/** Orders touches best first: a conversation outranks any other touch, then the latest wins (id breaks ties). */
export function compareTouches(a: Touch, b: Touch): number {
  const ca = a.kind === 'conversation' ? 1 : 0;
  const cb = b.kind === 'conversation' ? 1 : 0;
  if (ca !== cb) return cb - ca;
  if (a.at !== b.at) return b.at - a.at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Attributes one conversion. Each campaign whose goal it reaches keeps its best touch within the
 * campaign's window (an exposure, or a control qualification, which is counted for lift the same
 * way); touches without a campaign count for purchases within the default window. Of the kept
 * non-control touches, the best (a conversation first, else the last touch) is credited.
 */
export function attributeConversion(
  conversion: ConversionFact,
  touches: readonly Touch[],
  campaigns: ReadonlyMap<string, CampaignTerms>,
): AttributedTouch[] {
  const best = new Map<string, AttributedTouch>();
  for (const t of touches) {
    let windowDays = DEFAULT_WINDOW_DAYS;
    let group: string;
    if (t.campaignId !== null) {
      const terms = campaigns.get(t.campaignId);
      if (!terms || !goalMatches(terms, conversion)) continue;
      windowDays = windowDaysOf(terms.windowDays);
      group = `c:${t.campaignId}`;
    } else {
      if (conversion.kind !== 'purchase') continue;
      group = 'none';
    }
    if (!withinWindow(t.at, conversion.ts, windowDays)) continue;
    const held = best.get(group);
    // A real exposure outranks a control qualification of the same campaign (a visitor is never both).
    const better =
      !held || (held.control && !t.control) || (held.control === t.control && compareTouches(t, held) < 0);
    if (better) best.set(group, { ...t, windowDays, credited: false });
  }
  const kept = [...best.values()];
  let credited: AttributedTouch | undefined;
  for (const t of kept) if (!t.control && (!credited || compareTouches(t, credited) < 0)) credited = t;
  if (credited) credited.credited = true;
  return kept.sort(compareTouches);
}
