import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { Browser, Page } from 'playwright-core';
import { CHAT_WITH_US } from '../packages/server/src/engagement/demo-campaigns.ts';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { connectAgent } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser } from './helpers/browser.ts';
import {
  customerPage,
  demoAdmin,
  invitedChat,
  type OriginServer,
  startOriginServer,
  until,
} from './helpers/tag-fixtures.ts';

interface KeyValues {
  length: number;
  getItem(key: string): string | null;
}
/** The page's globals these tests touch (the e2e project has no DOM types). */
type PageGlobals = {
  beckon: ((what: string) => string) & { push(...commands: unknown[][]): void };
  localStorage: KeyValues;
  sessionStorage: KeyValues;
  document: { cookie: string };
};
const tag = (page: Page, ...commands: unknown[][]) =>
  page.evaluate((c) => (globalThis as unknown as PageGlobals).beckon.push(...c), commands);

/** What the tag keeps in the browser: its localStorage keys and values, and the page's cookies. */
const kept = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    return {
      local: Object.keys(g.localStorage)
        .filter((k) => k.startsWith('beckon'))
        .sort()
        .map((k) => `${k}=${g.localStorage.getItem(k)}`),
      session: g.sessionStorage.length,
      cookies: g.document.cookie,
    };
  });

describe('consent mode in the tag (Chromium): nothing before consent, nothing after withdrawal', {
  timeout: 90_000,
}, () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;
  let shop: OriginServer;
  let sales: AgentChatClient;

  before(async () => {
    ensureTagBuilt();
    [srv, browser, shop] = await Promise.all([
      startTestServer({ demo: true }),
      launchBrowser(),
      startOriginServer(),
    ]);
    admin = await demoAdmin(srv);
    const campaigns: { id: string; name: string }[] = (await admin.get('/api/v1/campaigns')).body.items;
    const button = campaigns.find((c) => c.name === CHAT_WITH_US)!;
    await admin.patch(`/api/v1/campaigns/${button.id}`, { status: 'paused' });
    const site = await admin.get(`/api/v1/sites/${srv.demo!.siteId}`);
    await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, {
      allowedOrigins: [...site.body.allowedOrigins, shop.url],
    });
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
    const key = srv.demo!.siteKey;
    shop.page('/tents', customerPage(srv.url, key, { consent: true }));
    shop.page('/stoves', customerPage(srv.url, key, { consent: true }));
  });
  after(async () => {
    await sales?.disconnect();
    await browser?.close();
    await srv?.close();
    await shop?.close();
  });

  /** The two documented ways to decide: `beckon.push(['consent', x])` and `beckon('consent', x)`. */
  const byPush = (page: Page, granted: boolean) => tag(page, ['consent', granted]);
  const byCall = (page: Page, granted: boolean) =>
    page.evaluate((g) => {
      (globalThis as unknown as { beckon(what: string, granted: boolean): void }).beckon('consent', g);
    }, granted);

  it('sends and stores nothing until consent; withdrawal ends the chat, clears storage and stays quiet', () =>
    consentRoundTrip(byPush));

  it("the call form beckon('consent', …) grants and withdraws the same way", () => consentRoundTrip(byCall));

  async function consentRoundTrip(decide: (page: Page, granted: boolean) => Promise<void>) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const beckon = new URL(srv.url).origin;
    // Every request the page makes to Beckon other than the tag's own script, sockets included.
    const collected: string[] = [];
    const sockets: Array<{ url: string; closed: boolean }> = [];
    const loader = `/t/${srv.demo!.siteKey}.js`;
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.origin === beckon && url.pathname !== loader) collected.push(`${r.method()} ${url.pathname}`);
    });
    page.on('websocket', (ws) => {
      const s = { url: ws.url(), closed: false };
      sockets.push(s);
      ws.on('close', () => {
        s.closed = true;
      });
    });

    // Before consent: a page, an event, a move to another page (a page hide would send a beacon).
    await page.goto(`${shop.url}/tents`);
    await page.waitForFunction(() => typeof (globalThis as { beckon?: unknown }).beckon === 'function');
    await tag(page, ['event', 'looked_at_tents']);
    await page.waitForTimeout(500);
    await page.goto(`${shop.url}/stoves`);
    await page.waitForTimeout(800);
    assert.equal(collected.join(), '', 'no request to the collector before consent');
    assert.equal(sockets.length, 0, 'no socket before consent');
    assert.deepEqual(await kept(page), { local: [], session: 0, cookies: '' }, 'nothing stored');

    // Consent: the tag connects and reports this page.
    await decide(page, true);
    await until(() => sockets.find((s) => s.url.includes('/v1/visitor')), 'the visitor socket');
    const visitorId = await page.evaluate(() => (globalThis as unknown as PageGlobals).beckon('visitorId'));
    await until(async () => (await admin.get(`/api/v1/visitors/${visitorId}`)).status === 200, 'the visitor');

    // A chat with an agent: the widget keeps it in storage.
    await invitedChat(page, admin, sales, {
      visitorId,
      skillId: srv.demo!.skillIds.sales,
      message: 'Need a hand with stoves?',
    });
    const widget = page.locator('beckon-widget');
    const during = await kept(page);
    assert.ok(
      during.local.some((k) => k.startsWith('beckon.chat=')),
      during.local.join(),
    );
    assert.ok(during.local.some((k) => k.startsWith('beckon.vid=')));

    // Withdrawal: every socket closes, the widget goes, only the refusal itself is kept.
    await decide(page, false);
    await until(() => sockets.every((s) => s.closed), 'every socket closed');
    assert.ok(
      sockets.some((s) => s.url.includes('/v1/chat')),
      'the chat had a socket',
    );
    await until(async () => (await widget.count()) === 0, 'the widget removed');
    assert.deepEqual(await kept(page), { local: ['beckon.consent=0'], session: 0, cookies: '' });

    // And it stays quiet: events, a page hide, a reload, another page.
    const before = collected.length;
    const socketsBefore = sockets.length;
    await tag(page, ['event', 'after_withdrawal'], ['page']);
    await page.waitForTimeout(300);
    await page.reload();
    await page.waitForTimeout(500);
    await page.goto(`${shop.url}/tents`);
    await page.waitForTimeout(800);
    assert.deepEqual(collected.slice(before), [], 'no request to the collector after withdrawal');
    assert.equal(sockets.length, socketsBefore, 'no socket after withdrawal');
    assert.deepEqual(await kept(page), { local: ['beckon.consent=0'], session: 0, cookies: '' });
    await context.close();
  }
});
