import type { Kysely } from 'kysely';
import { cohortExposures } from '../analytics/funnel-report.ts';
import type { ReportFilters } from '../analytics/report-filters.ts';
import { cohortRevenue, isControlKey, spent, visitorArmKey } from '../analytics/visitor-arms.ts';
import type { Database } from '../store/schema.ts';

/** Days of a campaign's history an uplift model learns from. */
export const UPLIFT_HISTORY_DAYS = 90;
/** Fewest visitors in each arm (exposed, control) before a campaign gets an uplift model. */
export const UPLIFT_MIN_VISITORS = 200;
/** Fewest converting visitors in each arm before a campaign gets an uplift model. */
export const UPLIFT_MIN_CONVERSIONS = 10;

/** One qualified visitor of a campaign: the live features of the session they first qualified in. */
export interface UpliftRow {
  features: number[];
  control: boolean;
  converted: boolean;
  /** What they spent in attributed conversions (the account's currency). */
  revenue: number;
}

/** A campaign's visitors with features, and how many of each arm there are and converted. */
export interface UpliftData {
  rows: UpliftRow[];
  treated: number;
  control: number;
  treatedConversions: number;
  controlConversions: number;
}

/** Whether a campaign's history is enough to learn an uplift model from. */
export function enoughForUplift(d: Omit<UpliftData, 'rows'>): boolean {
  return (
    d.treated >= UPLIFT_MIN_VISITORS &&
    d.control >= UPLIFT_MIN_VISITORS &&
    d.treatedConversions >= UPLIFT_MIN_CONVERSIONS &&
    d.controlConversions >= UPLIFT_MIN_CONVERSIONS
  );
}

/** The not-enough-data message with the counts. */
export function upliftShortfall(d: Omit<UpliftData, 'rows'>): string {
  return (
    `needs ${UPLIFT_MIN_VISITORS} exposed and ${UPLIFT_MIN_VISITORS} control visitors with ` +
    `${UPLIFT_MIN_CONVERSIONS} conversions in each; has ${d.treated} exposed (${d.treatedConversions} converted) ` +
    `and ${d.control} control (${d.controlConversions} converted)`
  );
}

const CHUNK = 500;

/**
 * A campaign's exposed and control visitors in the filters' period (scoped to the campaign): each
 * visitor once, with the recorded live features of the session in which they first qualified, and
 * converted if a conversion was attributed to the campaign within its window (the lift report's rule).
 * Visitors whose session was not recorded (still running, or no page) are left out.
 */
export async function upliftData(db: Kysely<Database>, scoped: ReportFilters): Promise<UpliftData> {
  const exposures = await cohortExposures(db, scoped)
    .select(['exposures.site_id', 'exposures.visitor_id', 'exposures.control', 'exposures.session_id'])
    .orderBy('exposures.created_at')
    .execute();
  const first = new Map<string, string>();
  for (const e of exposures) {
    const key = visitorArmKey(e);
    if (!first.has(key)) first.set(key, e.session_id);
  }
  const sessionIds = [...new Set(first.values())];
  const features = new Map<string, number[]>();
  for (let i = 0; i < sessionIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('model_sessions')
      .select(['id', 'features'])
      .where('account_id', '=', scoped.accountId)
      .where('id', 'in', sessionIds.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) {
      const values = JSON.parse(r.features) as (number | null)[];
      features.set(
        r.id,
        values.map((v) => (v === null ? Number.NaN : v)),
      );
    }
  }
  const revenue = await cohortRevenue(db, scoped);
  const out: UpliftData = { rows: [], treated: 0, control: 0, treatedConversions: 0, controlConversions: 0 };
  for (const [key, sessionId] of first) {
    const f = features.get(sessionId);
    if (f === undefined) continue;
    const control = isControlKey(key);
    const bought = revenue.get(key);
    const converted = bought !== undefined;
    out.rows.push({ features: f, control, converted, revenue: spent(bought) });
    if (control) {
      out.control++;
      if (converted) out.controlConversions++;
    } else {
      out.treated++;
      if (converted) out.treatedConversions++;
    }
  }
  return out;
}
