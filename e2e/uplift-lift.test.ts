import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scoringOf } from '../packages/server/src/scoring/scoring-runtime.ts';
import { DEMO_ADMIN } from '../packages/server/test/helpers/test-server.ts';
import { upliftHistory } from '../packages/server/test/uplift-fixtures.ts';
import { SHOTS_DIR } from './helpers/browser.ts';
import { demoInChromium } from './helpers/demo-browser.ts';
import { demoAdmin } from './helpers/tag-fixtures.ts';

describe('lift by predicted uplift in the console (Chromium)', { timeout: 120_000 }, () => {
  const demo = demoInChromium();

  it('shows the campaign’s uplift model and exposed vs control per band of predicted uplift', async () => {
    const { srv, browser } = demo;
    const admin = await demoAdmin(srv);
    const created = await admin.post('/api/v1/campaigns', {
      name: 'Free shipping for carts',
      status: 'paused',
      goal: { type: 'purchase' },
      targeting: { field: 'page.section', op: 'contains', value: 'cart' },
      controlShare: 0.5,
      uplift: { mode: 'positive_only', holdout: 0.1 },
      engagement: {
        type: 'content',
        title: 'Free shipping',
        text: 'Today only.',
        ctaLabel: 'Go',
        ctaUrl: `${srv.url}/demo/`,
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const campaignId = created.body.id as string;
    const { db } = srv.node.ctx.store;
    const row = await db
      .selectFrom('campaigns')
      .select('account_id')
      .where('id', '=', campaignId)
      .executeTakeFirstOrThrow();
    const site = await db
      .selectFrom('sites')
      .select('id')
      .where('account_id', '=', row.account_id)
      .executeTakeFirstOrThrow();
    await upliftHistory(srv, row.account_id, site.id, campaignId);
    await db.updateTable('campaigns').set({ status: 'active' }).where('id', '=', campaignId).execute();
    const [run] = (await scoringOf(srv.node.ctx).upliftTrainer.trainAccount(row.account_id)).filter(
      (r) => r.campaignId === campaignId,
    );
    assert.equal(run?.state, 'trained', run?.message);

    const page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    await page.goto(`${srv.url}/console/analytics/lift`);
    await page.getByLabel('Email').fill(DEMO_ADMIN.email);
    await page.getByLabel('Password').fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page
      .getByTestId(`lift-${campaignId}`)
      .getByRole('button', { name: 'Free shipping for carts' })
      .click();
    const section = page.getByTestId('uplift-bands');
    await section.getByTestId('uplift-bands-table').waitFor();
    assert.equal(await section.getByTestId('uplift-model-state').getAttribute('data-state'), 'trained');
    assert.ok((await section.locator('tbody tr').count()) >= 2);
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: `${SHOTS_DIR}uplift-lift-by-band.png` });

    // The campaign editor shows the mode as set through the API.
    await page.goto(`${srv.url}/console/campaigns/${encodeURIComponent(campaignId)}`);
    const mode = page.getByTestId('positive-uplift-only');
    await mode.waitFor();
    assert.equal(await mode.isChecked(), true);
    await mode.scrollIntoViewIfNeeded();
    await page.locator('.field', { has: mode }).screenshot({ path: `${SHOTS_DIR}uplift-campaign-mode.png` });
  });
});
