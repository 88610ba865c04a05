import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { engagementOf } from '../packages/server/src/engagement/engagement-runtime.ts';
import { DEMO_ADMIN } from '../packages/server/test/helpers/test-server.ts';
import { SHOTS_DIR } from './helpers/browser.ts';
import { demoInChromium } from './helpers/demo-browser.ts';
import { demoAdmin, until } from './helpers/tag-fixtures.ts';

// The node trusts its proxy: a shopper's address is the first X-Forwarded-For hop, which each
// browser context below sends (on its pages, beacons and the tag's socket).
// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_TRUST_PROXY = '1';
});

// Addresses whose location DB-IP's Lite database states: London, and Berlin.
const LONDON = '81.2.69.142';
const BERLIN = '130.149.7.201';
const OFFER = 'Free UK delivery';

async function logIn(page: Page, url: string, path: string) {
  await page.goto(`${url}/console${path}`);
  await page.getByLabel('Email').fill(DEMO_ADMIN.email);
  await page.getByLabel('Password').fill(DEMO_ADMIN.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

describe('geo targeting on the demo store (Chromium)', { timeout: 120_000 }, () => {
  const demo = demoInChromium();

  it('engages a shopper from the targeted country, not one from elsewhere, and the console shows where they are', async () => {
    const { srv, browser } = demo;
    const admin = await demoAdmin(srv);
    const created = await admin.post('/api/v1/campaigns', {
      name: 'UK shoppers',
      status: 'active',
      goal: { type: 'purchase' },
      targeting: { all: [{ field: 'geo.country', op: 'equals', value: 'GB' }] },
      priority: 50,
      controlShare: 0,
      engagement: {
        type: 'content',
        title: OFFER,
        text: 'Orders to the United Kingdom ship free this week.',
        ctaLabel: 'See lamps',
        ctaUrl: `${srv.url}/demo/products`,
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const campaignId = created.body.id as string;

    const shopper = async (address: string) => {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        extraHTTPHeaders: { 'x-forwarded-for': address },
      });
      const page = await context.newPage();
      await page.goto(`${srv.url}/demo/`);
      return page;
    };
    const london = await shopper(LONDON);
    await london.locator('beckon-widget').getByRole('dialog', { name: OFFER }).waitFor();
    await london.waitForTimeout(400); // the entrance animation
    await london.screenshot({ path: `${SHOTS_DIR}geo-offer-london.png` });

    const berlin = await shopper(BERLIN);
    const tracker = engagementOf(srv.node.ctx).tracker;
    // Once the Berlin shopper is located, targeting has judged them (at their hello, in the same step).
    const berliner = await until(
      () => [...tracker.visitorsOf(srv.demo!.accountId)].find((v) => v.state.geo?.country === 'DE'),
      'the Berlin shopper, located',
    );
    await srv.node.ctx.store.eventsWriter.flush();
    const exposures = await srv.node.ctx.store.db
      .selectFrom('exposures')
      .select(['visitor_id'])
      .where('campaign_id', '=', campaignId)
      .execute();
    assert.ok(exposures.length >= 1, 'the London shopper was engaged');
    assert.ok(!exposures.some((e) => e.visitor_id === berliner.visitorId), 'the Berlin shopper was not');
    assert.equal(await berlin.locator('beckon-widget').getByRole('dialog', { name: OFFER }).count(), 0);

    // The live visitors list: where each shopper is, with the database's credit.
    const console = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    await logIn(console, srv.url, '/visitors');
    const rows = console.getByTestId('visitor-row');
    await rows.getByTestId('visitor-location').filter({ hasText: 'London, United Kingdom' }).waitFor();
    await rows.getByTestId('visitor-location').filter({ hasText: 'Berlin, Germany' }).waitFor();
    await console.getByTestId('geo-credit').getByRole('link', { name: 'IP Geolocation by DB-IP' }).waitFor();
    await console.screenshot({ path: `${SHOTS_DIR}geo-live-visitors.png` });

    // The campaign editor: the rule reads as the country's name, and the picker lists countries by name.
    await console.goto(`${srv.url}/console/campaigns/${encodeURIComponent(campaignId)}`);
    const value = console.getByLabel('Condition 1 value');
    await value.waitFor();
    assert.equal(await value.inputValue(), 'GB');
    assert.equal((await value.locator('option:checked').textContent())?.trim(), 'United Kingdom');
    await console
      .getByLabel('Condition 1 field')
      .locator('optgroup[label="Location"] option')
      .first()
      .waitFor({
        state: 'attached',
      });
    const fields = await console
      .getByLabel('Condition 1 field')
      .locator('optgroup[label="Location"] option')
      .allTextContents();
    assert.deepEqual(fields, ['Country', 'Region', 'City', 'Time zone', 'Local hour']);
    await console
      .getByTestId('condition-builder')
      .screenshot({ path: `${SHOTS_DIR}geo-campaign-editor.png` });

    // The lift by country, under the campaign's lift.
    await console.goto(`${srv.url}/console/analytics/lift`);
    await console.getByTestId(`lift-${campaignId}`).getByRole('button', { name: 'UK shoppers' }).click();
    const byCountry = console.getByTestId('country-lift');
    await byCountry.getByRole('rowheader', { name: 'United Kingdom' }).waitFor();
    await byCountry.scrollIntoViewIfNeeded();
    await byCountry.screenshot({ path: `${SHOTS_DIR}geo-lift-by-country.png` });
  });
});
