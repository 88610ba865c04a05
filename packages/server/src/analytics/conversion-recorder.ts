import type { ConversionSource } from '@beckon/protocol/conversions-api';
import { newId } from '../ids.ts';
import { type AttributionRow, parseSources } from '../store/conversions-repo.ts';
import type { Store } from '../store/store.ts';
import { type AttributedTouch, attributeConversion, type CampaignTerms } from './attribution-rules.ts';
import type { ConversionCandidate } from './conversion-feed.ts';
import { loadTouches } from './touch-loader.ts';

/** What was recorded for one conversion (undefined when it had been recorded before). */
export interface RecordedConversion {
  id: string;
  candidate: ConversionCandidate;
  touches: AttributedTouch[];
  sources: ConversionSource[];
}

/** The account's campaign terms (fresh ones when a touch names a campaign they lack). */
export type TermsOf = (fresh: boolean) => Promise<ReadonlyMap<string, CampaignTerms>>;

/** Who saw a conversion, and whether a visitor is known for it (default: the tag saw it on a visit). */
export interface RecordOptions {
  source?: ConversionSource;
  /** No visitor is known: stored without touches, counted as unattributed. */
  unattributed?: boolean;
  /** The contact the order named (by e-mail or user id): its broadcasts count it, visitor or not. */
  contactId?: string;
}

/** The visitor's touches that take credit for the conversion, by the attribution rules. */
async function attribute(store: Store, c: ConversionCandidate, termsOf: TermsOf): Promise<AttributedTouch[]> {
  const candidates = await loadTouches(store.db, c.siteId, c.visitorId, c.ts);
  let campaigns = await termsOf(false);
  if (candidates.some((t) => t.campaignId !== null && !campaigns.has(t.campaignId)))
    campaigns = await termsOf(true);
  return attributeConversion({ kind: c.kind, goalName: c.goalName, ts: c.ts }, candidates, campaigns);
}

function rowsOf(id: string, c: ConversionCandidate, touches: readonly AttributedTouch[], sources: string) {
  return touches.map(
    (t): AttributionRow => ({
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
      sources,
    }),
  );
}

/**
 * Attributes one conversion to the visitor's touches and stores both in one transaction.
 * Idempotent: a second call for the same order id (or goal event) writes nothing and returns undefined.
 */
export async function recordConversion(
  store: Store,
  c: ConversionCandidate,
  termsOf: TermsOf,
  now = Date.now(),
  opts: RecordOptions = {},
): Promise<RecordedConversion | undefined> {
  const source = opts.source ?? 'tag';
  const touches = opts.unattributed ? [] : await attribute(store, c, termsOf);
  const id = newId('cnv');
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
      sources: source,
      unattributed: opts.unattributed ? 1 : 0,
      contact_id: opts.contactId ?? null,
    },
    rowsOf(id, c, touches, source),
  );
  return stored ? { id, candidate: c, touches, sources: [source] } : undefined;
}

/**
 * Gives an unattributed conversion (an order a shop reported with no visitor) the visitor a later
 * source saw buy it, and attributes it to their touches; undefined when someone did it first.
 */
export async function attachConversion(
  store: Store,
  id: string,
  c: ConversionCandidate,
  termsOf: TermsOf,
  source: ConversionSource,
): Promise<RecordedConversion | undefined> {
  const existing = await store.conversions.get(c.accountId, id);
  if (!existing) return undefined;
  // The order's own facts stay as the first source reported them; the visit is the new one's.
  const facts: ConversionCandidate = {
    ...c,
    siteId: existing.site_id,
    ts: Number(existing.ts),
    revenue: Number(existing.revenue),
    currency: existing.currency,
  };
  if (facts.siteId !== c.siteId) return undefined;
  const touches = await attribute(store, facts, termsOf);
  const ok = await store.conversions.attach(
    id,
    { visitorId: c.visitorId, sessionId: c.sessionId },
    rowsOf(id, facts, touches, ''),
    source,
  );
  if (!ok) return undefined;
  const after = await store.conversions.get(c.accountId, id);
  return { id, candidate: facts, touches, sources: parseSources(after?.sources) };
}
