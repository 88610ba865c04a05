import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { cohortAttributions } from './funnel-report.ts';
import type { ReportFilters } from './report-filters.ts';

/** One visitor in one arm of a campaign (exposed or control), as the per-visitor reports key them. */
export const visitorArmKey = (r: { site_id: string; visitor_id: string; control: number | string }): string =>
  `${r.site_id}\u0000${r.visitor_id}\u0000${Number(r.control)}`;

/** Whether a `visitorArmKey` is of the control arm. */
export const isControlKey = (key: string): boolean => key.endsWith('\u00001');

/** Each converting visitor-and-arm's attributed conversions (id → revenue), a conversion counted once. */
export function revenueByVisitorArm(
  rows: ReadonlyArray<{
    site_id: string;
    visitor_id: string;
    control: number | string;
    conversion_id: string;
    revenue: number | string;
  }>,
): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const key = visitorArmKey(r);
    let m = out.get(key);
    if (!m) {
      m = new Map();
      out.set(key, m);
    }
    m.set(r.conversion_id, Number(r.revenue));
  }
  return out;
}

/** The conversions attributed to a campaign's cohort visitors (filters scoped to one campaign), by visitor and arm. */
export async function cohortRevenue(
  db: Kysely<Database>,
  scoped: ReportFilters,
): Promise<Map<string, Map<string, number>>> {
  const attributed = await cohortAttributions(db, scoped)
    .select(['a.site_id', 'a.visitor_id', 'a.control', 'a.conversion_id', 'a.revenue'])
    .execute();
  return revenueByVisitorArm(attributed);
}

/** What a visitor spent: the sum of their conversions' revenue. */
export function spent(conversions: Map<string, number> | undefined): number {
  let sum = 0;
  for (const v of conversions?.values() ?? []) sum += v;
  return sum;
}
