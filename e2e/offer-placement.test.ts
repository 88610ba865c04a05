import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { Page } from 'playwright-core';
import { connectAgent } from '../packages/server/test/helpers/chat-fixtures.ts';
import { SHOTS_DIR } from './helpers/browser.ts';
import { demoInChromium } from './helpers/demo-browser.ts';
import { demoAdmin } from './helpers/tag-fixtures.ts';

interface Clash {
  widget: string;
  page: string;
}

/**
 * What the widget's `selector` (inside its shadow root) covers of the page's buttons and title
 * in view: the text of each page element it overlaps.
 */
function clashes(page: Page, selector: string): Promise<Clash[]> {
  // A string: the e2e code is type-checked without the DOM's types.
  return page.evaluate(`(() => {
    const sel = ${JSON.stringify(selector)};
    const root = document.querySelector('beckon-widget').shadowRoot;
    const mine = [...root.querySelectorAll(sel)].map((el) => el.getBoundingClientRect());
    const out = [];
    for (const el of document.querySelectorAll('button, [type=submit], h1')) {
      const r = el.getBoundingClientRect();
      if (!r.width || r.bottom <= 0 || r.top >= innerHeight) continue;
      for (const m of mine) {
        const x = Math.min(m.right, r.right) - Math.max(m.left, r.left);
        const y = Math.min(m.bottom, r.bottom) - Math.max(m.top, r.top);
        if (x > 0 && y > 0) out.push({ widget: sel, page: (el.textContent || '').trim() });
      }
    }
    return out;
  })()`);
}

// Content offers and the chat pill on the demo store, at desktop and phone widths: they never
// cover "Add to cart" or the product's title, and an empty-cart offer goes once the cart is filled.
describe('offers and invitations keep off the page’s buttons, and go when they no longer apply (Chromium)', {
  timeout: 180_000,
}, () => {
  const demo = demoInChromium();
  // One agent for the whole file: someone can chat, so the demo's "Chat with us" pill shows, and
  // invitations are offered. (Reconnected right after the first test's agent left, the capacity
  // the node caches for a second could still say nobody is there: the invitation was skipped, and
  // the first test's offer, still active, took the page instead.)
  let agent: AgentChatClient;
  before(async () => {
    agent = await connectAgent(demo.srv, 'sales@demo.beckon.local');
  });
  after(() => agent?.disconnect());

  it('places the offer and the pill clear of the buttons and the title at 1280 and 375 px, and withdraws an empty-cart offer', async () => {
    const { srv, browser } = demo;
    const admin = await demoAdmin(srv);
    const created = await admin.post('/api/v1/campaigns', {
      name: 'Empty cart on a product',
      status: 'active',
      goal: { type: 'purchase' },
      targeting: {
        all: [
          { field: 'page.section', op: 'contains', value: 'product' },
          { field: 'cart.items', op: 'lte', value: 0 },
        ],
      },
      priority: 50,
      controlShare: 0,
      engagement: {
        type: 'content',
        title: 'Free delivery today',
        text: 'Order any lamp before 6 pm and we deliver it free.',
        ctaLabel: 'See lamps',
        ctaUrl: `${srv.url}/demo/products`,
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));

    for (const width of [1280, 375]) {
      const context = await browser.newContext({
        viewport: { width, height: width > 400 ? 800 : 740 },
        isMobile: width < 400,
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${srv.url}/demo/product-lamp`);
      const widget = page.locator('beckon-widget');
      const offer = widget.getByRole('dialog', { name: 'Free delivery today' });
      await offer.waitFor();
      await page.waitForTimeout(400); // the entrance animation
      await page.screenshot({ path: `${SHOTS_DIR}offer-placement-${width}.png` });
      assert.deepEqual(await clashes(page, '.offer'), [], `the offer covers nothing at ${width} px`);
      // Scrolled, the page's buttons move under the corners: the offer moves out of their way.
      for (const dy of [250, 250]) {
        await page.mouse.wheel(0, dy);
        await page.waitForTimeout(300);
        assert.deepEqual(await clashes(page, '.offer'), [], `the offer after scrolling at ${width} px`);
      }
      await page.screenshot({ path: `${SHOTS_DIR}offer-placement-${width}-scrolled.png` });
      await page.mouse.wheel(0, -500);

      // A full cart: the empty-cart offer goes by itself, and the demo's "Chat with us" pill, which
      // waited behind it, comes up clear of the title and the buttons.
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.getByText('Added 1 to your cart').waitFor();
      await offer.waitFor({ state: 'detached' });
      await widget.getByRole('button', { name: 'Chat with us' }).waitFor();
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${SHOTS_DIR}offer-withdrawn-${width}.png` });
      assert.deepEqual(await clashes(page, '.fab'), [], `the pill covers nothing at ${width} px`);
      await page.mouse.wheel(0, 250);
      await page.waitForTimeout(300);
      assert.deepEqual(await clashes(page, '.fab'), [], `the pill after scrolling at ${width} px`);
      assert.deepEqual(errors, []);
      await context.close();
    }
    // Paused, so it does not compete with the next test's invitation for the same pages.
    await admin.patch(`/api/v1/campaigns/${created.body.id}`, { status: 'paused' });
  });

  it('keeps a toaster invitation off the buttons and the title too, and takes it back once the cart is filled', async () => {
    const { srv, browser } = demo;
    const admin = await demoAdmin(srv);
    const created = await admin.post('/api/v1/campaigns', {
      name: 'Help with an empty basket',
      status: 'active',
      goal: { type: 'purchase' },
      targeting: {
        all: [
          { field: 'page.section', op: 'contains', value: 'product' },
          { field: 'cart.items', op: 'lte', value: 0 },
        ],
      },
      priority: 60,
      controlShare: 0,
      engagement: {
        type: 'chat_invitation',
        skillId: srv.demo!.skillIds.sales,
        message: 'Which lamp suits your desk? Ask us.',
        style: 'toaster',
        offline: 'none',
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    try {
      for (const width of [1280, 375]) {
        const context = await browser.newContext({
          viewport: { width, height: width > 400 ? 800 : 740 },
          isMobile: width < 400,
        });
        const page = await context.newPage();
        await page.goto(`${srv.url}/demo/product-lamp`);
        const invitation = page.locator('beckon-widget').getByRole('alertdialog');
        await invitation.getByText('Which lamp suits your desk? Ask us.').waitFor();
        await page.waitForTimeout(400); // the entrance animation
        await page.screenshot({ path: `${SHOTS_DIR}invitation-placement-${width}.png` });
        assert.deepEqual(await clashes(page, '.card'), [], `the invitation covers nothing at ${width} px`);
        await page.getByRole('button', { name: 'Add to cart' }).click();
        await invitation.waitFor({ state: 'detached' });
        await context.close();
      }
    } finally {
      await admin.patch(`/api/v1/campaigns/${created.body.id}`, { status: 'paused' });
    }
  });
});
