import { predictUplift, upliftFromJson } from '@beckon/core/model/index';
import { DEFAULT_MINIMUM_SAMPLE } from '@beckon/core/stats/index';
import type { UpliftBandFigures, UpliftBandReport, UpliftModelState } from '@beckon/protocol/reports-api';
import type { Kysely } from 'kysely';
import { type UpliftRow, upliftData } from '../scoring/uplift-data.ts';
import type { Database } from '../store/schema.ts';
import { accountCurrency } from './account-currency.ts';
import { groupLiftFigures } from './country-lift-report.ts';
import type { LiftCampaign } from './lift-report.ts';
import { periodOf, type ReportFilters } from './report-filters.ts';

const BANDS = 5;

/**
 * Visitors ranked by predicted uplift and cut into quintiles by rank, each compared exposed vs
 * control. Visitors with the same prediction stay in one band (a cut moves past a tie), so there are
 * fewer bands when many visitors share a prediction.
 */
export function upliftBands(rows: readonly UpliftRow[], predicted: readonly number[]): UpliftBandFigures[] {
  const order = rows.map((_, i) => i).sort((a, b) => predicted[a]! - predicted[b]!);
  const n = order.length;
  const out: UpliftBandFigures[] = [];
  let start = 0;
  for (let b = 1; b <= BANDS && start < n; b++) {
    let end = b === BANDS ? n : Math.max(start + 1, Math.floor((b * n) / BANDS));
    while (end < n && predicted[order[end]!] === predicted[order[end - 1]!]) end++;
    const at = order.slice(start, end);
    out.push({
      band: out.length + 1,
      from: predicted[at[0]!]!,
      to: predicted[at.at(-1)!]!,
      ...groupLiftFigures(at.map((i) => rows[i]!)),
    });
    start = end;
  }
  return out;
}

/**
 * Exposed vs control of one campaign by predicted uplift: each qualified visitor counts once, with the
 * uplift the campaign's current model predicts from the session they first qualified in, and converted
 * if a conversion was attributed to the campaign within its window (the lift report's rule). The model
 * learned from many of these visitors, so the bands show whom it finds, not a held-out test of it.
 */
export async function upliftBandReport(
  db: Kysely<Database>,
  f: ReportFilters,
  campaign: LiftCampaign,
): Promise<UpliftBandReport> {
  const scoped: ReportFilters = { ...f, campaignId: campaign.id };
  const [row, settings] = await Promise.all([
    db.selectFrom('uplift_models').selectAll().where('campaign_id', '=', campaign.id).executeTakeFirst(),
    db.selectFrom('campaigns').select('uplift').where('id', '=', campaign.id).executeTakeFirst(),
  ]);
  const setting = settings?.uplift
    ? (JSON.parse(settings.uplift) as { mode: 'positive_only'; holdout: number })
    : null;
  const mode = setting?.mode ?? 'off';
  const model: UpliftModelState = {
    state: row?.state ?? 'not_trained',
    message: row?.message ?? 'not trained yet: models are trained on the propensity model’s schedule',
    treated: Number(row?.treated ?? 0),
    control: Number(row?.control ?? 0),
    treatedConversions: Number(row?.treated_conversions ?? 0),
    controlConversions: Number(row?.control_conversions ?? 0),
    trainedAt: row ? new Date(Number(row.trained_at)).toISOString() : null,
    targetsEveryone: mode === 'positive_only' && row?.state !== 'trained',
  };
  let bands: UpliftBandFigures[] = [];
  if (row?.state === 'trained' && row.model) {
    const m = upliftFromJson(JSON.parse(row.model));
    const data = await upliftData(db, scoped);
    const predicted = data.rows.map((r) => predictUplift(m, Float64Array.from(r.features)));
    bands = upliftBands(data.rows, predicted);
  }
  return {
    period: periodOf(scoped),
    campaignId: campaign.id,
    campaignName: campaign.name,
    mode,
    holdout: setting?.holdout ?? 0,
    model,
    currency: await accountCurrency(db, f.accountId),
    minimumSample: DEFAULT_MINIMUM_SAMPLE,
    bands,
  };
}
