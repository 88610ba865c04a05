import { type AnyEngagementVariant, type Campaign, CONTROL_ARM, type Engagement } from '@beckon/protocol';
import type { VisitorState } from '../visitor/visitor-shape.ts';
import { fmix32, fnv1a32, isControl } from './control-group.ts';

// A campaign with variants splits its visitors into arms: the control group (`controlShare`, drawn
// as for any campaign) and one arm per variant, by weight, among the rest. The variant comes from
// a second stable draw with its own salt, independent of the control draw. Once a visitor has an
// arm for a campaign (recorded with their exposure) they keep it: editing weights, or removing the
// variant, never moves them to another arm.

/** The arm a visitor is in for one campaign, and what they are offered in it. */
export interface Arm {
  control: boolean;
  /** The variant's key; undefined for a campaign without variants. */
  variant?: string;
  /** The engagement as delivered in this arm: the campaign's, with the variant's fields merged. */
  engagement: Engagement;
}

/** A stable draw in [0, 1) for this visitor and campaign, independent of `controlDraw`. */
export function variantDraw(visitorId: string, campaignId: string): number {
  return fmix32(fnv1a32(`variant\u0000${visitorId}\u0000${campaignId}`)) / 4294967296;
}

/** The variant a draw in [0, 1) falls on, weights taken in order (their sum need not be exactly 1). */
export function pickVariant<V extends { weight: number }>(variants: readonly V[], draw: number): V {
  let total = 0;
  for (const v of variants) total += v.weight;
  let at = draw * total;
  let last = variants[0]!;
  for (const v of variants) {
    if (v.weight <= 0) continue;
    last = v;
    if (at < v.weight) return v;
    at -= v.weight;
  }
  return last;
}

/**
 * The engagement a variant delivers: the campaign's fields with the variant's on top. A text the
 * variant changes drops the campaign's translations of it (unless the variant brings its own), so a
 * visitor in another language does not see the campaign's text instead of the variant's.
 */
export function variantEngagement(engagement: Engagement, variant: AnyEngagementVariant): Engagement {
  const { variants: _all, ...base } = engagement;
  const { key: _key, weight: _weight, ...fields } = variant as AnyEngagementVariant & Record<string, unknown>;
  const merged = { ...base, ...fields } as Engagement & { translations?: Record<string, object> };
  const own = (fields as { translations?: unknown }).translations;
  const inherited = (base as { translations?: Record<string, Record<string, unknown>> }).translations;
  if (own === undefined && inherited) {
    const changed = Object.keys(fields);
    const kept: Record<string, Record<string, unknown>> = {};
    for (const [lang, texts] of Object.entries(inherited)) {
      const rest = Object.fromEntries(Object.entries(texts).filter(([k]) => !changed.includes(k)));
      if (Object.keys(rest).length > 0) kept[lang] = rest;
    }
    if (Object.keys(kept).length > 0) merged.translations = kept;
    else delete merged.translations;
  }
  return merged;
}

/** The campaign's engagement without its variants: what a campaign without variants delivers. */
export function baseEngagement(engagement: Engagement): Engagement {
  if (engagement.variants === undefined) return engagement;
  const { variants: _all, ...base } = engagement;
  return base as Engagement;
}

/**
 * This visitor's arm for the campaign: the one recorded for them if any, else drawn now. Null when
 * the recorded variant was removed from the campaign: the visitor keeps that arm and gets nothing more.
 */
export function armFor(state: VisitorState, campaign: Campaign): Arm | null {
  const variants = campaign.engagement.variants;
  if (!variants || variants.length === 0) {
    const control = isControl(state.visitorId, campaign.id, campaign.controlShare);
    return { control, engagement: baseEngagement(campaign.engagement) };
  }
  const recorded = state.campaigns.get(campaign.id)?.arm;
  if (recorded === CONTROL_ARM) return { control: true, engagement: baseEngagement(campaign.engagement) };
  if (recorded !== undefined) {
    const v = variants.find((x) => x.key === recorded);
    return v
      ? { control: false, variant: v.key, engagement: variantEngagement(campaign.engagement, v) }
      : null;
  }
  if (isControl(state.visitorId, campaign.id, campaign.controlShare))
    return { control: true, engagement: baseEngagement(campaign.engagement) };
  const v = pickVariant(
    variants as readonly AnyEngagementVariant[],
    variantDraw(state.visitorId, campaign.id),
  );
  return { control: false, variant: v.key, engagement: variantEngagement(campaign.engagement, v) };
}
