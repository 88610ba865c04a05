import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { analyticsOf } from '../packages/server/src/analytics/analytics-runtime.ts';
import { newId } from '../packages/server/src/ids.ts';
import { DEMO_ADMIN } from '../packages/server/test/helpers/test-server.ts';
import { report, seriousViolations } from './helpers/axe.ts';
import { SHOTS_DIR } from './helpers/browser.ts';
import { demoInChromium } from './helpers/demo-browser.ts';
import { recordFrames, until } from './helpers/tag-fixtures.ts';

const DAY = 86_400_000;
const TITLES: Record<string, string> = { A: 'Free shipping today', B: 'Free shipping and returns' };

describe('campaign variants in Chromium', () => {
  const demo = demoInChromium();

  async function signedIn(): Promise<{ page: Page; errors: string[] }> {
    const context = await demo.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    await page.goto(`${demo.srv.url}/console/`);
    await page.getByLabel('Email').fill(DEMO_ADMIN.email);
    await page.getByLabel('Password').fill(DEMO_ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Demo Store').first().waitFor();
    return { page, errors };
  }

  it('creates a campaign with two variants, shows each shopper their own, and reports the winner with its chart', async () => {
    const { srv } = demo;
    const { store } = srv.node.ctx;
    const { accountId, siteId } = srv.demo!;
    const { page, errors } = await signedIn();

    // The editor: a content offer on the catalog page, tested in two variants.
    await page.getByTestId('nav-campaigns').click();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByTestId('campaign-form').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Shipping headline test');
    await page.getByRole('radio', { name: 'Active', exact: true }).check();
    await page.getByLabel('Priority').fill('100');
    const builder = page.getByTestId('condition-builder');
    await builder.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').selectOption('page.section');
    await page.getByLabel('Condition 1 operator').selectOption('contains');
    await page.getByLabel('Condition 1 value').fill('catalog');
    await page.locator('input[name="engagementType"][value="content"]').check();
    const engagement = page.getByTestId('section-engagement');
    await engagement.getByLabel('Title', { exact: true }).fill(TITLES.A!);
    await engagement.getByLabel('Button label', { exact: true }).fill('Shop now');
    await engagement.getByLabel('Button link').fill('https://shop.example/');

    const section = page.getByTestId('section-variants');
    await section.getByTestId('variants-empty').waitFor();
    await section.getByRole('button', { name: 'Test two variants' }).click();
    await section.getByTestId('variant-1').getByLabel('Title', { exact: true }).fill(TITLES.B!);
    // Bad weights are refused before saving, next to the variants.
    await section.getByTestId('variant-0').getByLabel('Weight (%)').fill('60');
    await section.getByTestId('variants-sum').getByText('Weights add up to 110 %').waitFor();
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await section
      .getByTestId('variants-error')
      .getByText(/they must add up to 100 %/)
      .waitFor();
    await section.getByRole('button', { name: 'Split evenly' }).click();
    await section
      .getByTestId('variants-split')
      .getByText(/control 10 % · A 45 % · B 45 %/)
      .waitFor();
    await section.screenshot({ path: `${SHOTS_DIR}variants-editor.png` });
    assert.deepEqual(report('variants editor', await seriousViolations(page)), []);
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByTestId('campaign-table').waitFor();
    const campaign = (await store.campaigns.list(accountId)).find(
      (c) => c.name === 'Shipping headline test',
    )!;
    assert.deepEqual(
      campaign.engagement.variants?.map((v) => [v.key, v.weight, (v as { title?: string }).title]),
      [
        ['A', 0.5, undefined],
        ['B', 0.5, TITLES.B],
      ],
    );

    // Shoppers on the catalog page: each gets their arm's offer, recorded with the exposure.
    const seen = new Map<string, string>();
    for (let i = 0; i < 6 && new Set(seen.values()).size < 2; i++) {
      const shopContext = await demo.browser.newContext({ viewport: { width: 1280, height: 800 } });
      const shop = await shopContext.newPage();
      const log = recordFrames(shop);
      await shop.goto(`${srv.url}/demo/products`);
      const visitorId = (await until(() => log.sent.find((f) => f.type === 'hello'), 'hello'))
        .visitorId as string;
      const exposure = await until(
        async () =>
          (await store.exposures.forVisitor(accountId, siteId, visitorId)).find(
            (e) => e.campaignId === campaign.id,
          ),
        'the campaign’s exposure',
        30_000,
      );
      const [row] = await store.db
        .selectFrom('exposures')
        .select(['variant', 'control'])
        .where('id', '=', exposure.id)
        .execute();
      if (Number(row!.control) === 1) {
        assert.equal(row!.variant, null);
      } else {
        const frame = await until(
          () => log.received.find((f) => f.type === 'engage' && f.campaignId === campaign.id),
          'the offer',
        );
        assert.equal(frame.engagement.title, TITLES[row!.variant!], `visitor in ${row!.variant}`);
        assert.equal(frame.engagement.variants, undefined, 'the tag gets one engagement, not the variants');
        await shop.locator('beckon-widget').getByText(TITLES[row!.variant!]!).waitFor();
        if (!seen.has(row!.variant!))
          await shop.screenshot({ path: `${SHOTS_DIR}variants-offer-${row!.variant}.png` });
        seen.set(visitorId, row!.variant!);
      }
      await shopContext.close();
    }
    assert.ok(seen.size > 0, 'at least one shopper was shown a variant');

    // The campaign's report with a handful of visitors: the arms, and no verdict or chart yet.
    const openReport = async () => {
      await page.goto(`${srv.url}/console/`);
      await page.getByRole('link', { name: 'Analytics' }).click();
      await page.getByTestId('analytics-tab-lift').click();
      await page
        .getByTestId(`lift-${campaign.id}`)
        .getByRole('button', { name: 'Shipping headline test' })
        .click();
      const panel = page.getByTestId('variants-panel');
      await panel.getByTestId('variants-table').waitFor();
      return panel;
    };
    const early = await openReport();
    await early.getByTestId('variants-not-enough').waitFor();
    await early.getByTestId('variants-verdict').getByText('Not enough data yet').waitFor();
    await early.screenshot({ path: `${SHOTS_DIR}variants-report-early.png` });

    // Ten days of history for the report: 300 visitors an arm, control and A convert at 5 %, B at 25 %.
    const made = Date.now() - 10 * DAY;
    await store.db.updateTable('campaigns').set({ created_at: made }).where('id', '=', campaign.id).execute();
    const { job } = analyticsOf(srv.node.ctx);
    await job.stop();
    for (const [arm, rate] of [
      ['control', 0.05],
      ['A', 0.05],
      ['B', 0.25],
    ] as const) {
      const exposures = [];
      const events = [];
      for (let i = 0; i < 300; i++) {
        const visitorId = `hist-${arm}-${i}`;
        const at = made + Math.floor(i / 30) * DAY + 3_600_000;
        exposures.push({
          id: newId('exp'),
          account_id: accountId,
          site_id: siteId,
          campaign_id: campaign.id,
          visitor_id: visitorId,
          session_id: 'ses_history',
          engagement_type: 'content',
          control: arm === 'control' ? 1 : 0,
          outcome: arm === 'control' ? null : ('shown' as const),
          variant: arm === 'control' ? null : arm,
          created_at: at,
          shown_at: arm === 'control' ? null : at,
          outcome_at: null,
        });
        if (i % Math.round(1 / rate) === 0) {
          const order = { orderId: `h-${arm}-${i}`, total: 40, currency: 'USD' };
          events.push({
            account_id: accountId,
            site_id: siteId,
            visitor_id: visitorId,
            session_id: 'ses_history',
            batch_id: `hist-${arm}-${i}`,
            seq: 0,
            type: 'attr',
            name: 'purchase',
            payload: JSON.stringify({ type: 'attr', attrType: 'purchase', value: order, ts: at + 600_000 }),
            ts: at + 600_000,
          });
        }
      }
      await store.db.insertInto('exposures').values(exposures).execute();
      await store.db.insertInto('events').values(events).execute();
    }
    await job.catchUp();

    // The report: the table, the verdict in words, the chart of each variant's interval over time.
    const panel = await openReport();
    await panel.getByTestId('variants-verdict').getByText('Variant B wins').waitFor();
    const chart = panel.getByTestId('variants-chart');
    await chart.waitFor();
    assert.ok(Number(await chart.getAttribute('data-points')) >= 10, 'a point a day');
    assert.ok((await panel.locator('tr[data-arm="B"]').textContent())?.includes('B wins'));
    assert.ok((await panel.locator('tr[data-arm="A"]').textContent())?.includes('Keep running'));
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: `${SHOTS_DIR}variants-report.png` });
    assert.deepEqual(report('variants report', await seriousViolations(page)), []);
    assert.deepEqual(errors, []);
  });
});
