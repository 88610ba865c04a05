import { bandIndex } from '@beckon/core/stats/index';
import type { ScoreBandReport } from '@beckon/protocol/reports-api';
import type { Kysely } from 'kysely';
import { resolveFilters } from '../analytics/report-filters.ts';
import { bandCampaign, scoreBandReport } from '../analytics/score-band-report.ts';
import type { Logger } from '../logger.ts';
import type { Database } from '../store/schema.ts';

interface Gate {
  /** Upper score edge of each band. */
  edges: number[];
  /** Per band: may the campaign target it; null = everyone (not enough data yet). */
  admit: boolean[] | null;
  report: ScoreBandReport;
}

/**
 * Which score bands each positive-lift campaign may target, from its cached band report (the last
 * 30 days, recomputed every few minutes on each node). Until a band has enough data the campaign
 * targets everyone; then it keeps the bands whose lift is positive and those still learning.
 */
export class BandGates {
  private readonly gates = new Map<string, Gate>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: Logger,
  ) {}

  /** The gate targeting consults (hot path: a map lookup and a binary search). */
  readonly admits = (campaignId: string, score: number | undefined): boolean => {
    const g = this.gates.get(campaignId);
    if (g === undefined || g.admit === null || score === undefined) return true;
    return g.admit[bandIndex(g.edges, score)] ?? true;
  };

  /** The cached report behind a campaign's gate, if computed. */
  report(campaignId: string): ScoreBandReport | undefined {
    return this.gates.get(campaignId)?.report;
  }

  /** Recomputes the gates of every active positive-lift campaign (and forgets the others). */
  async refresh(): Promise<void> {
    const rows = await this.db
      .selectFrom('campaigns')
      .select(['id', 'account_id'])
      .where('score_bands', '=', 'positive_lift')
      .where('status', '=', 'active')
      .where('deleted_at', 'is', null)
      .execute();
    const keep = new Set(rows.map((r) => r.id));
    for (const id of this.gates.keys()) if (!keep.has(id)) this.gates.delete(id);
    for (const r of rows) {
      try {
        await this.refreshOne(r.account_id, r.id);
      } catch (err) {
        this.log.error({ err, campaignId: r.id }, 'score band report failed');
      }
    }
  }

  /** Recomputes one campaign's gate now; returns its report. */
  async refreshOne(accountId: string, campaignId: string): Promise<ScoreBandReport | undefined> {
    const campaign = await bandCampaign(this.db, accountId, campaignId);
    if (!campaign) return undefined;
    const f = await resolveFilters(this.db, accountId, {});
    const report = await scoreBandReport(this.db, f, campaign);
    this.gates.set(campaignId, {
      edges: report.bands.map((b) => b.to),
      admit: report.enoughData ? report.bands.map((b) => b.status !== 'excluded') : null,
      report,
    });
    return report;
  }
}
