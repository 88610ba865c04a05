import { LIVE_FEATURE_NAMES } from '@beckon/core/features/index';
import type { Kysely } from 'kysely';
import { resolveFilters } from '../analytics/report-filters.ts';
import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';
import type { Database } from '../store/schema.ts';
import { trainUpliftOnThread } from './train-thread.ts';
import {
  enoughForUplift,
  UPLIFT_HISTORY_DAYS,
  type UpliftData,
  upliftData,
  upliftShortfall,
} from './uplift-data.ts';
import { readsUplift, type UpliftRegistry } from './uplift-registry.ts';

const DAY_MS = 86_400_000;

/** The outcome of one campaign's uplift training run, as the API reports it. */
export interface UpliftRun {
  campaignId: string;
  state: 'trained' | 'not_enough_data' | 'failed';
  message: string;
  treated: number;
  control: number;
  treatedConversions: number;
  controlConversions: number;
  trainedAt: number;
}

/**
 * Learns each campaign's uplift model (two-model learner on the live features) from its exposed and
 * control visitors, on a worker thread, on the propensity model's schedule; stores the model, or the
 * counts when there are too few, and swaps the new models in on this node.
 */
export class UpliftTrainer {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly bus: Bus,
    private readonly registry: UpliftRegistry,
    private readonly log: Logger,
  ) {}

  /** Trains every campaign of the account that keeps a control group; returns each outcome. */
  async trainAccount(accountId: string, now = Date.now()): Promise<UpliftRun[]> {
    const campaigns = await this.campaigns(accountId);
    return this.trainCampaigns(
      accountId,
      campaigns.map((c) => c.id),
      now,
    );
  }

  /** The account's campaigns that keep a control group and read predicted uplift (mode or condition). */
  async readers(accountId: string): Promise<string[]> {
    const campaigns = await this.campaigns(accountId);
    return campaigns.filter((c) => readsUplift(c.uplift, c.targeting)).map((c) => c.id);
  }

  /** Trains the given campaigns one after another, then swaps the new models in on this node. */
  async trainCampaigns(
    accountId: string,
    campaignIds: readonly string[],
    now = Date.now(),
  ): Promise<UpliftRun[]> {
    const out: UpliftRun[] = [];
    for (const id of campaignIds) out.push(await this.trainCampaign(accountId, id, now));
    await this.registry.refresh();
    return out;
  }

  private campaigns(accountId: string) {
    return this.db
      .selectFrom('campaigns')
      .select(['id', 'uplift', 'targeting'])
      .where('account_id', '=', accountId)
      .where('deleted_at', 'is', null)
      .where('status', '=', 'active')
      .where('control_share', '>', 0)
      .orderBy('id')
      .execute();
  }

  /** Trains one campaign's uplift model from its last UPLIFT_HISTORY_DAYS days. */
  async trainCampaign(accountId: string, campaignId: string, now = Date.now()): Promise<UpliftRun> {
    const f = await resolveFilters(this.db, accountId, { campaignId }, now);
    const data = await upliftData(this.db, { ...f, from: now - UPLIFT_HISTORY_DAYS * DAY_MS });
    const counts = {
      treated: data.treated,
      control: data.control,
      treatedConversions: data.treatedConversions,
      controlConversions: data.controlConversions,
    };
    const base = { campaignId, trainedAt: now, ...counts };
    let run: UpliftRun;
    let model: string | null = null;
    if (!enoughForUplift(data)) {
      run = { ...base, state: 'not_enough_data', message: upliftShortfall(data) };
    } else {
      const result = await this.fit(data).catch((err: unknown) => ({
        ok: false as const,
        error: String(err),
      }));
      if (result.ok) {
        model = JSON.stringify(result.model);
        run = { ...base, state: 'trained', message: `trained on ${data.rows.length} visitors` };
      } else {
        this.log.error({ accountId, campaignId, error: result.error }, 'uplift training failed');
        run = { ...base, state: 'failed', message: result.error };
      }
    }
    await this.db.deleteFrom('uplift_models').where('campaign_id', '=', campaignId).execute();
    await this.db
      .insertInto('uplift_models')
      .values({
        campaign_id: campaignId,
        account_id: accountId,
        state: run.state,
        model,
        treated: run.treated,
        control: run.control,
        treated_conversions: run.treatedConversions,
        control_conversions: run.controlConversions,
        message: run.message,
        trained_at: now,
      })
      .execute();
    return run;
  }

  private fit(data: UpliftData) {
    const width = LIVE_FEATURE_NAMES.length;
    const n = data.rows.length;
    const values = new Float64Array(n * width).fill(Number.NaN);
    const arm = new Int8Array(n);
    const outcome = new Uint8Array(n);
    data.rows.forEach((r, i) => {
      for (let j = 0; j < Math.min(width, r.features.length); j++) values[i * width + j] = r.features[j]!;
      arm[i] = r.control ? 0 : 1;
      outcome[i] = r.converted ? 1 : 0;
    });
    return trainUpliftOnThread({
      kind: 'uplift',
      featureNames: [...LIVE_FEATURE_NAMES],
      values,
      arm,
      outcome,
      seed: 1,
    });
  }

  /** Trains the accounts whose last uplift run is older than `everyMs` (one node at a time per account). */
  async runSchedule(accountIds: readonly string[], everyMs: number, now: number): Promise<void> {
    if (everyMs <= 0) return;
    for (const accountId of accountIds) {
      const last = await this.lastTrainedAt(accountId);
      if (last !== null && now - last < everyMs) continue;
      const release = await this.bus.tryLock(`uplift.train.${accountId}`, 3_600_000).catch(() => null);
      if (!release) continue;
      try {
        const again = await this.lastTrainedAt(accountId);
        if (again === null || now - again >= everyMs) await this.trainAccount(accountId, now);
      } catch (err) {
        this.log.error({ err, accountId }, 'scheduled uplift training failed');
      } finally {
        await release().catch(() => {});
      }
    }
  }

  private async lastTrainedAt(accountId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('uplift_models')
      .select((eb) => eb.fn.max('trained_at').as('at'))
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row?.at == null ? null : Number(row.at);
  }
}
