import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { type Person, seedPeople } from '../packages/server/test/segment-fixtures.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { signedInAs, until } from './helpers/workspace-fixtures.ts';

/** Four customers of one spring cohort: two can get WhatsApp messages, one of them bought twice. */
const COHORT: Person[] = [
  {
    name: 'Rosa Díaz',
    email: 'rosa@example.com',
    phone: '+34600000001',
    attributes: { cohort: 'spring' },
    consents: ['whatsapp'],
    purchases: [
      { daysAgo: 40, revenue: 90 },
      { daysAgo: 3, revenue: 45 },
    ],
  },
  {
    name: 'Jonas Weber',
    email: 'jonas@example.com',
    phone: '+49170000002',
    attributes: { cohort: 'spring' },
    consents: ['whatsapp'],
  },
  { name: 'Mia Chen', email: 'mia@example.com', phone: null, attributes: { cohort: 'spring' } },
  {
    name: 'Omar Haddad',
    email: null,
    phone: '+44700000004',
    attributes: { cohort: 'spring' },
    smsOptOut: true,
  },
];

describe('segments in the console', () => {
  let srv: TestServer;
  let browser: Browser;
  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    const demo = srv.demo!;
    await seedPeople(srv.node.ctx.store, demo.accountId, demo.siteId, COHORT, Date.now(), 'e2e');
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('an admin builds a segment row by row, watching the count and the first members, and saves it', async () => {
    const { page, errors, context } = await signedInAs(
      browser,
      srv,
      'admin@demo.beckon.local',
      '/console/segments',
    );
    await page.getByTestId('segments-empty').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/segments-empty.png` });

    await page.getByRole('link', { name: 'New segment' }).click();
    await page.getByRole('heading', { name: 'New segment' }).waitFor();
    await page.getByLabel('Name').fill('Spring cohort on WhatsApp');

    // Row 1: the custom attribute, typed with the keyboard.
    const field1 = page.getByLabel('Row 1 field');
    await field1.selectOption('attribute.*');
    await page.getByLabel('Row 1 attribute').fill('cohort');
    await page.getByLabel('Row 1 value').fill('spring');
    const count = page.getByTestId('segment-preview-count');
    await until(async () => /^4\s*contacts/.test((await count.textContent()) ?? ''), 'four in the cohort');
    const sample = page.getByTestId('segment-sample');
    await until(async () => (await sample.locator('li').count()) === 4, 'four members shown');
    for (const name of ['Rosa Díaz', 'Jonas Weber', 'Mia Chen', 'Omar Haddad'])
      await sample.getByText(name).waitFor();

    // Row 2, added from the keyboard: the new row's field takes the focus.
    await page.getByTestId('segment-add-row').focus();
    await page.keyboard.press('Enter');
    await until(
      async () => page.getByLabel('Row 2 field').evaluate((el) => el.matches(':focus')),
      'focus on the new row',
    );
    await page.getByLabel('Row 2 field').selectOption('channel');
    await page.getByLabel('Row 2 value').selectOption('whatsapp');
    await until(
      async () => /^2\s*contacts/.test((await count.textContent()) ?? ''),
      'two reachable on WhatsApp',
    );
    await until(async () => (await sample.locator('li').count()) === 2, 'two members shown');
    await sample.getByText('Rosa Díaz').waitFor();
    await sample.getByText('Jonas Weber').waitFor();

    // Row 3: bought twice; then a filter that matches nobody says so.
    await page.getByTestId('segment-add-row').click();
    await page.getByLabel('Row 3 field').selectOption('purchases.count');
    await page.getByLabel('Row 3 operator').selectOption('gte');
    await page.getByLabel('Row 3 value').fill('2');
    await until(async () => /^1\s*contact\b/.test((await count.textContent()) ?? ''), 'one repeat buyer');
    await page.screenshot({ path: `${SHOTS_DIR}/segments-editor.png`, fullPage: true });
    await page.getByLabel('Row 3 value').fill('5');
    await page.getByTestId('segment-preview-empty').waitFor();
    await page.getByRole('button', { name: 'Remove row 3' }).click();
    await until(async () => /^2\s*contacts/.test((await count.textContent()) ?? ''), 'back to two');

    await page.getByTestId('segment-save').click();
    await page.getByTestId('segment-table').waitFor();
    const row = page.getByTestId('segment-row');
    assert.equal(await row.count(), 1);
    assert.match((await row.textContent()) ?? '', /Spring cohort on WhatsApp/);
    assert.equal((await row.getByTestId('segment-count').textContent())?.trim(), '2');
    await page.screenshot({ path: `${SHOTS_DIR}/segments-list.png` });

    // Opened again, the editor shows the saved rows.
    await page.getByRole('link', { name: 'Spring cohort on WhatsApp' }).click();
    await page.getByRole('heading', { name: 'Edit segment' }).waitFor();
    assert.equal(await page.getByLabel('Row 1 attribute').inputValue(), 'cohort');
    assert.equal(await page.getByLabel('Row 2 value').inputValue(), 'whatsapp');
    await until(async () => /^2\s*contacts/.test((await count.textContent()) ?? ''), 'the saved count');

    const stored = await srv.node.ctx.store.segments.list(srv.demo!.accountId);
    assert.deepEqual(stored[0]?.filter, {
      all: [
        { field: 'attribute.cohort', op: 'equals', value: 'spring' },
        { field: 'channel', op: 'contains', value: 'whatsapp' },
      ],
    });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
