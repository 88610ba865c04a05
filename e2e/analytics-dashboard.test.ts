import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { CHECKOUT_HESITATION } from '../packages/server/src/engagement/demo-campaigns.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { demoAdmin, recordFrames, sentEvents, until } from './helpers/tag-fixtures.ts';

// The demo's "Checkout hesitation" campaign fires after 1 s on the checkout page instead of 30 s.
// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_DEMO_HESITATION_SECONDS = '1';
});

describe('analytics dashboard (Chromium): a purchase on the demo store', () => {
  let srv: TestServer;
  let browser: Browser;
  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    ensureTagBuilt();
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('shows up on the open dashboard within seconds, and in the campaign’s lift report', async (t) => {
    // The analyst's view: the console's Analytics page, left open.
    const consoleContext = await browser.newContext({ viewport: { width: 1440, height: 1800 } });
    const dash = await consoleContext.newPage();
    const errors: string[] = [];
    dash.on('pageerror', (e) => errors.push(e.message));
    dash.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    await dash.goto(`${srv.url}/console/`);
    await dash.getByLabel('Email').fill(DEMO_ADMIN.email);
    await dash.getByLabel('Password').fill(DEMO_ADMIN.password);
    await dash.getByRole('button', { name: 'Log in' }).click();
    await dash.getByText('Demo Store').first().waitFor();
    await dash.getByRole('link', { name: 'Analytics' }).click();
    const conversions = dash.getByTestId('kpi-conversions');
    await conversions.getByText('0', { exact: true }).waitFor();
    await dash.getByTestId('funnel-report').waitFor();
    // All campaigns together, the two groups are told apart from a campaign's own comparison.
    await dash.getByTestId('funnel-compare-note').waitFor();

    // The shopper: a lamp into the cart, a pause at checkout (the campaign qualifies them), the order.
    const shopContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const shop = await shopContext.newPage();
    const log = recordFrames(shop);
    await shop.goto(`${srv.url}/demo/product-lamp`);
    await shop.getByRole('button', { name: 'Add to cart' }).click();
    await shop.getByText('Added 1 to your cart').waitFor();
    await shop.goto(`${srv.url}/demo/checkout`);
    await shop.getByRole('heading', { name: 'Checkout' }).waitFor();
    const visitorId = (await until(() => log.sent.find((f) => f.type === 'hello'), 'hello'))
      .visitorId as string;
    await dash.getByTestId('kpi-visitors').getByText('1', { exact: true }).waitFor();
    const { store } = srv.node.ctx;
    const { accountId, siteId } = srv.demo!;
    const campaign = (await store.campaigns.list(accountId)).find((c) => c.name === CHECKOUT_HESITATION)!;
    const exposure = await until(
      async () =>
        (await store.exposures.forVisitor(accountId, siteId, visitorId)).find(
          (e) => e.campaignId === campaign.id,
        ),
      'the checkout-hesitation qualification',
      // Time on page is counted from the tag's own ticks: at the start of a full run, with the
      // longest files starting together, 8 s was once not enough.
      20_000,
    );
    await shop.getByLabel('Email').fill('grace@example.com');
    await shop.getByLabel('Full name').fill('Grace Hopper');
    await shop.getByLabel('Address').fill('1 Navy Way');
    await shop.getByLabel('City').fill('Arlington');
    await shop.getByLabel('Postcode').fill('22201');
    await shop.getByRole('button', { name: 'Place order' }).click();
    await shop.getByRole('heading', { name: 'Thank you for your order' }).waitFor();
    const purchase = await until(
      () => sentEvents(log).find((e) => e.type === 'attr' && e.attrType === 'purchase'),
      'the purchase event',
    );
    const ordered = Date.now();
    const total = purchase.value.total as number;

    // The open dashboard picks it up without a reload.
    await conversions.getByText('1', { exact: true }).waitFor({ timeout: 5000 });
    const seenAfterMs = Date.now() - ordered;
    // In the shop's currency, as the tag reported it with the order ("Revenue $1,234.00").
    const currency = purchase.value.currency as string;
    const revenue = new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(total);
    assert.ok(
      ((await conversions.textContent()) ?? '').includes(`Revenue ${revenue}`),
      `${await conversions.textContent()} names ${revenue}`,
    );
    assert.ok(
      seenAfterMs < 2000,
      `on the dashboard ${seenAfterMs} ms after the order (the issue asks for 2 s)`,
    );
    t.diagnostic(`the purchase showed on the open dashboard ${seenAfterMs} ms after the order`);
    await dash.getByTestId('live-dashboard').screenshot({ path: `${SHOTS_DIR}analytics-live.png` });
    // The last hour downloads as CSV with the order in it.
    const csvHref = await dash.getByTestId('live-dashboard').getByTestId('csv-live').getAttribute('href');
    const csv = await dash.request.get(`${srv.url}${csvHref}`);
    assert.equal(csv.status(), 200);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    assert.equal(lines[0], 'minute,events,sessions,exposures,conversations,conversions,revenue,currency');
    const conversionsInCsv = lines.slice(1).reduce((sum, l) => sum + Number(l.split(',')[5]), 0);
    assert.equal(conversionsInCsv, 1);
    assert.ok(lines.slice(1).every((l) => l.endsWith(`,${currency}`)));

    // The campaign's report: the visitor is in the engaged or the control group, and converted.
    const api = await demoAdmin(srv);
    const lift = (await api.get(`/api/v1/reports/campaigns/${campaign.id}/lift`)).body.lift;
    const arm = exposure.control ? lift.control : lift.exposed;
    assert.deepEqual([arm.visitors, arm.converted, arm.revenue], [1, 1, total]);
    assert.equal(lift.verdict, 'not_enough_data');
    const funnel = (await api.get(`/api/v1/reports/funnel?campaignId=${campaign.id}`)).body;
    assert.equal(funnel.stages.find((s: { stage: string }) => s.stage === 'qualified').visitors, 1);

    // Narrowed to the campaign on the dashboard: its own groups, the shopper in one, no caveat.
    await dash.getByLabel('Campaign').selectOption({ label: CHECKOUT_HESITATION });
    await dash.getByTestId('funnel-compare-note').waitFor({ state: 'detached' });
    const arms = dash.getByTestId(exposure.control ? 'funnel-control' : 'funnel-exposed');
    await arms.getByText('1 (100.00 %)').waitFor();
    await dash.getByTestId('analytics-tab-lift').click();
    const row = dash.getByTestId(`lift-${campaign.id}`);
    await row.getByText('1 / 1').waitFor();
    await row.getByText('Not enough data yet').waitFor();
    await row.getByRole('button', { name: CHECKOUT_HESITATION }).click();
    const detail = dash.getByTestId('lift-detail');
    await detail.getByText(/Not enough data yet: a verdict needs 100 visitors/).waitFor();
    await detail.getByRole('cell', { name: revenue }).first().waitFor();
    await dash.locator('.content').screenshot({ path: `${SHOTS_DIR}analytics-lift.png` });
    assert.deepEqual(errors, []);
    await shopContext.close();
    await consoleContext.close();
  });
});
