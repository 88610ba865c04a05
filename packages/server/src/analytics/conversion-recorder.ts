import { newId } from '../ids.ts';
import type { AttributionRow } from '../store/conversions-repo.ts';
import type { Store } from '../store/store.ts';
import { type AttributedTouch, attributeConversion, type CampaignTerms } from './attribution-rules.ts';
import type { ConversionCandidate } from './conversion-feed.ts';
import { loadTouches } from './touch-loader.ts';

/** What was recorded for one conversion (undefined when it had been recorded before). */
export interface RecordedConversion {
  id: string;
  candidate: ConversionCandidate;
  touches: AttributedTouch[];
}

/**
 * Attributes one conversion to the visitor's touches and stores both in one transaction; `termsOf`
 * gives the account's campaign terms (fresh ones when a touch names a campaign they lack). Idempotent:
 * a second call for the same order id (or goal event) writes nothing and returns undefined.
 */
export async function recordConversion(
  store: Store,
  c: ConversionCandidate,
  termsOf: (fresh: boolean) => Promise<ReadonlyMap<string, CampaignTerms>>,
  now = Date.now(),
): Promise<RecordedConversion | undefined> {
  const candidates = await loadTouches(store.db, c.siteId, c.visitorId, c.ts);
  let campaigns = await termsOf(false);
  if (candidates.some((t) => t.campaignId !== null && !campaigns.has(t.campaignId)))
    campaigns = await termsOf(true);
  const touches = attributeConversion(
    { kind: c.kind, goalName: c.goalName, ts: c.ts },
    candidates,
    campaigns,
  );
  const id = newId('cnv');
  const rows: AttributionRow[] = touches.map((t) => ({
    conversion_id: id,
    touch_id: t.id,
    account_id: c.accountId,
    site_id: c.siteId,
    visitor_id: c.visitorId,
    campaign_id: t.campaignId,
    exposure_id: t.exposureId,
    conversation_id: t.conversationId,
    agent_id: t.agentId,
    skill_id: t.skillId,
    control: t.control ? 1 : 0,
    touch_kind: t.kind,
    credited: t.credited ? 1 : 0,
    touch_at: t.at,
    window_days: t.windowDays,
    conversion_kind: c.kind,
    conversion_ts: c.ts,
    revenue: c.revenue,
  }));
  const stored = await store.conversions.record(
    {
      id,
      account_id: c.accountId,
      site_id: c.siteId,
      visitor_id: c.visitorId,
      session_id: c.sessionId,
      kind: c.kind,
      goal_name: c.goalName,
      order_id: c.orderId,
      dedupe_key: c.dedupeKey,
      revenue: c.revenue,
      currency: c.currency,
      ts: c.ts,
      recorded_at: now,
    },
    rows,
  );
  return stored ? { id, candidate: c, touches } : undefined;
}
