import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { liftFromRows, parseCsvTable } from '@beckon/core/stats/index';
import type { CampaignLift } from '@beckon/protocol/reports-api';
import pino from 'pino';
import { AttributionJob } from '../src/analytics/attribution-job.ts';
import { liftCampaigns, liftReport } from '../src/analytics/lift-report.ts';
import { resolveFilters } from '../src/analytics/report-filters.ts';
import { MemoryBus } from '../src/bus/memory-bus.ts';
import type { Store } from '../src/store/store.ts';
import { AnalyticsFixture, campaignInput, DAY, HOUR, openTestStore } from './analytics-fixtures.ts';

const HILLSTROM = fileURLToPath(new URL('../../../../shared/data/hillstrom.csv', import.meta.url));

/**
 * Kevin Hillstrom's randomized e-mail experiment replayed through the platform: each "Mens E-Mail"
 * customer becomes a visitor exposed to a campaign, each "No E-Mail" customer a control-group
 * qualification, and each conversion a purchase of `spend` a day later. The campaign's lift must be
 * the experiment's: the figures published with the data and the offline CLI's statistics.
 */
describe('campaign lift on the Hillstrom experiment', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let lift: CampaignLift;
  const table = parseCsvTable(readFileSync(HILLSTROM, 'utf8'));
  const arms = table.rows.filter((r) => r.segment === 'Mens E-Mail' || r.segment === 'No E-Mail');

  before(async () => {
    ({ store, dispose } = await openTestStore());
    const account = await store.accounts.create('Hillstrom');
    const site = await store.sites.create(account.id, {
      name: 'Catalog',
      allowedOrigins: ['https://catalog.example'],
    });
    const campaign = await store.campaigns.create(
      account.id,
      campaignInput('Mens e-mail', { controlShare: 0.5 }),
    );
    const fx = new AnalyticsFixture(store, account.id, site.id);
    const t0 = Date.UTC(2025, 2, 1);
    const ids = (segment: string) => arms.flatMap((r, i) => (r.segment === segment ? [`c${i}`] : []));
    await fx.expose(ids('Mens E-Mail'), campaign.id, t0 + HOUR);
    await fx.expose(ids('No E-Mail'), campaign.id, t0 + HOUR, { control: true });
    for (const [i, r] of arms.entries()) {
      if (r.conversion === '1') await fx.purchase(`c${i}`, t0 + DAY, `order-${i}`, Number(r.spend));
    }
    await new AttributionJob(store, new MemoryBus(), pino({ level: 'silent' })).catchUp();
    const f = await resolveFilters(store.db, account.id, { from: '2025-03-01', to: '2025-03-01' });
    [lift] = await liftReport(store.db, f, await liftCampaigns(store.db, account.id), {
      bootstrapIterations: 0,
    });
  });
  after(() => dispose());

  it('matches the published figures of the data set', () => {
    // ../shared/data/README.md: Mens E-Mail n=21,307, conversion 1.25 %, spend $1.42; No E-Mail n=21,306, 0.57 %, $0.65.
    assert.equal(lift.exposed.visitors, 21_307);
    assert.equal(lift.control.visitors, 21_306);
    assert.equal((lift.exposed.conversionRate * 100).toFixed(2), '1.25');
    assert.equal((lift.control.conversionRate * 100).toFixed(2), '0.57');
    assert.equal(lift.exposed.revenuePerVisitor.toFixed(2), '1.42');
    assert.equal(lift.control.revenuePerVisitor.toFixed(2), '0.65');
    assert.equal(lift.verdict, 'treatment_better');
  });

  it('gives the same lift, intervals and p-values as `beckon analytics lift` on the CSV', () => {
    const offline = liftFromRows(arms, {
      groupColumn: 'segment',
      treatment: 'Mens E-Mail',
      control: 'No E-Mail',
      outcome: 'conversion',
      revenue: 'spend',
      bootstrapIterations: 0,
    });
    assert.equal(lift.exposed.converted, offline.treatment.conversions);
    assert.equal(lift.control.converted, offline.control.conversions);
    assert.deepEqual(lift.absoluteLift, offline.absoluteLift);
    assert.deepEqual(lift.relativeLift, offline.relativeLift);
    assert.equal(lift.pValue, offline.pValue);
    const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
    close(lift.revenue.difference.estimate!, offline.revenue!.difference.estimate);
    close(lift.revenue.difference.ci![0], offline.revenue!.difference.ci![0]);
    close(lift.revenue.difference.ci![1], offline.revenue!.difference.ci![1]);
    close(lift.revenue.pValue!, offline.revenue!.pValue!);
  });
});
