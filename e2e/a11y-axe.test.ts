import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { report, seriousViolations } from './helpers/axe.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { browsingVisitor, type ConsolePage, goOnline, signedInAs } from './helpers/workspace-fixtures.ts';

/** Tabs (or `key`) through the page and returns, for each button reached, its class and its focus outline. */
async function focusRings(page: Page, presses: number, key = 'Tab') {
  const rings: { cls: string; outline: string }[] = [];
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press(key);
    // The focused element, looking through open shadow roots (the widget's).
    const ring = await page.evaluate<{ cls: string; outline: string } | null>(`(() => {
      let el = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      if (!el || el.tagName !== 'BUTTON' || !el.matches(':focus-visible')) return null;
      const style = getComputedStyle(el);
      return { cls: el.className, outline: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor };
    })()`);
    if (ring) rings.push(ring);
  }
  return rings;
}

/** Whether a ring is a solid outline of at least 2 px (not a faint shadow). */
const visibleRing = (outline: string) =>
  /^solid (\d+(\.\d+)?)px/.test(outline) && Number.parseFloat(outline.split(' ')[1]!) >= 2;

describe('axe-core finds no serious or critical violation (Chromium)', { timeout: 300_000 }, () => {
  let srv: TestServer;
  let owner: ConsolePage;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let closers: { close(): Promise<unknown> }[] = [];
  const visitorId = 'axevisitor';
  before(async () => {
    ensureTagBuilt();
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    const visitor = await browsingVisitor(srv, visitorId);
    const chat = await startVisitor(srv, { name: 'Quinn QA', text: 'Do you ship to Oslo?' });
    closers = [chat, visitor];
    owner = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/visitors');
  });
  after(async () => {
    for (const c of closers) await c.close();
    await browser?.close();
    await srv?.close();
  });

  it('on every console page, Settings and Analytics tabs included, at 1280 px', async () => {
    const { page } = owner;
    await page.setViewportSize({ width: 1280, height: 800 });
    const { accountId, siteId } = srv.demo!;
    const campaign = (await srv.node.ctx.store.campaigns.list(accountId))[0]!;
    const paths = [
      '/visitors',
      `/visitors/${visitorId}?site=${siteId}`,
      '/conversations',
      '/conversations/history',
      '/contacts',
      '/wallboard',
      '/campaigns',
      `/campaigns/${campaign.id}`,
      ...['funnel', 'lift', 'conversations', 'channels', 'agents', 'calls', 'sla'].map(
        (t) => `/analytics/${t}`,
      ),
      ...[
        'sites',
        'skills',
        'channels',
        'team',
        'bots',
        'knowledge',
        'canned-responses',
        'model',
        'orders',
        'api-keys',
        'webhooks',
        'automation',
        'security',
        'audit-log',
      ].map((t) => `/settings/${t}`),
      '/no-such-page',
    ];
    // The pages are independent, so three tabs of the same session take a share each: most of a
    // page's time is spent waiting for its network to go quiet, not computing.
    const tabs = [page, await owner.context.newPage(), await owner.context.newPage()];
    const found = new Map<string, string[]>();
    await Promise.all(
      tabs.map(async (tab, lane) => {
        await tab.setViewportSize({ width: 1280, height: 800 });
        for (const path of paths.filter((_, i) => i % tabs.length === lane)) {
          await tab.goto(`${srv.url}/console${path}`);
          await tab.locator('main').first().waitFor();
          // Let lazy pages and their reports arrive before judging them: the network quiet, and no
          // list still showing its loading placeholder.
          await tab.waitForLoadState('networkidle');
          await tab.waitForSelector('[data-testid="loading"]', { state: 'detached' });
          found.set(path, report(path, await seriousViolations(tab)));
        }
      }),
    );
    for (const tab of tabs.slice(1)) await tab.close();
    const problems = paths.flatMap((path) => found.get(path) ?? []);
    // The open conversation in the workspace (composer, timeline, visitor panel).
    await page.goto(`${srv.url}/console/conversations`);
    await goOnline(page);
    // A chat, accepted: its timeline has a system line ("… joined the chat.") with its time.
    const rae = await startVisitor(srv, { name: 'Rae Reader', text: 'Is the blue jacket waterproof?' });
    closers.push(rae);
    await page
      .getByTestId('offer-card')
      .filter({ hasText: 'Is the blue jacket waterproof?' })
      .getByRole('button', { name: 'Accept' })
      .click();
    await page.getByTestId('chat').locator('.msg-system-time').first().waitFor();
    problems.push(...report('/conversations (open chat)', await seriousViolations(page)));
    assert.deepEqual(problems, []);
  });

  it('draws a solid focus ring on every console button reached by keyboard, indigo ones included', async () => {
    const { page } = owner;
    const rings: { cls: string; outline: string }[] = [];
    for (const path of ['/settings/team', '/campaigns', '/settings/canned-responses']) {
      await page.goto(`${srv.url}/console${path}`);
      await page.locator('main').first().waitFor();
      await page.waitForLoadState('networkidle');
      rings.push(...(await focusRings(page, 40)));
    }
    assert.ok(
      rings.some((r) => r.cls.includes('button-primary')),
      `an indigo button was reached: ${rings.map((r) => r.cls).join(', ')}`,
    );
    const faint = rings.filter((r) => !visibleRing(r.outline));
    assert.deepEqual(faint, [], 'every focused button shows a solid ring of 2 px or more');
  });

  for (const width of [375, 1280]) {
    it(`on the widget over the demo store with the chat panel open, at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true });
      const page = await context.newPage();
      try {
        await page.goto(`${srv.url}/demo/`);
        const widget = page.locator('beckon-widget');
        await widget.getByRole('button', { name: 'Chat with us' }).click();
        await widget.getByRole('form', { name: 'Before we start' }).waitFor();
        const problems = report(`widget prechat ${width}px`, await seriousViolations(page));
        const prechat = widget.getByRole('form', { name: 'Before we start' });
        await prechat.getByLabel('How can we help?').fill('Is the blue jacket waterproof?');
        await prechat.getByRole('button', { name: 'Start chat' }).click();
        await widget.getByRole('dialog').getByText('Is the blue jacket waterproof?').waitFor();
        problems.push(...report(`widget chat ${width}px`, await seriousViolations(page)));
        assert.deepEqual(problems, []);
        await page.screenshot({ path: `${SHOTS_DIR}a11y-widget-${width}.png` });
        // Keyboard focus inside the panel: each button shows a solid ring.
        await widget.locator('textarea').focus();
        // Backwards from the composer: on a wide screen the panel does not trap focus, so Tab leaves it.
        const rings = await focusRings(page, 6, 'Shift+Tab');
        assert.ok(rings.length > 0, 'a widget button was reached by keyboard');
        assert.deepEqual(
          rings.filter((r) => !visibleRing(r.outline)),
          [],
          'every focused widget button shows a solid ring',
        );
      } finally {
        await context.close();
      }
    });
  }
});
