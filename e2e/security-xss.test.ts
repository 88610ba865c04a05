/**
 * The XSS corpus (helpers/xss-corpus.ts) put through the API and the sockets into every place a
 * person reads text, then rendered in Chromium: the console pages and the widget on a customer's
 * page. Every page runs with its Content-Security-Policy bypassed, so only the rendering stands
 * between a payload and the `__xss` trap: nothing may call it or open a dialog, and the payloads
 * must be shown as the literal text they are.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { VisitorClient } from '@beckon/sdk/index';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHAT_WITH_US } from '../packages/server/src/engagement/demo-campaigns.ts';
import { visitor as tagVisitor } from '../packages/server/test/engagement-fixtures.ts';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import {
  connectAgent,
  cookieFor,
  eventually,
  startVisitor,
} from '../packages/server/test/helpers/chat-fixtures.ts';
import {
  postWebhook,
  startGraphApi,
  waMessageDelivery,
} from '../packages/server/test/helpers/graph-api-server.ts';
import { MediaFiles } from '../packages/server/test/helpers/media-files.ts';
import { NO_RATE_LIMITS } from '../packages/server/test/helpers/no-rate-limits.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { WA } from '../packages/server/test/helpers/whatsapp-fixture.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import {
  customerPage,
  demoAdmin,
  invitedChat,
  type OriginServer,
  startOriginServer,
  until,
} from './helpers/tag-fixtures.ts';
import { shortPayloads, XSS_CORPUS } from './helpers/xss-corpus.ts';

type Trapped = { __xssHits: number[] };

/** A browser context whose pages trap `__xss(n)` and record dialogs; CSP is off so it cannot hide a fault. */
async function trappedContext(browser: Browser, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ bypassCSP: true, viewport });
  await context.addInitScript(() => {
    const g = globalThis as unknown as Trapped & { __xss(n: number): void };
    g.__xssHits = [];
    g.__xss = (n: number) => {
      g.__xssHits.push(n);
    };
  });
  const dialogs: string[] = [];
  context.on('page', (p) =>
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    }),
  );
  return { context, dialogs };
}

const hits = (page: Page) => page.evaluate(() => (globalThis as unknown as Trapped).__xssHits);

/** The text a person reads on the page, the widget's shadow root included. */
const readable = (page: Page) =>
  page.evaluate(() => {
    const doc = globalThis as unknown as {
      document: {
        body: { textContent: string };
        querySelector(s: string): { shadowRoot: { textContent: string } | null } | null;
      };
    };
    const widget = doc.document.querySelector('beckon-widget')?.shadowRoot?.textContent ?? '';
    return `${doc.document.body.textContent}\n${widget}`;
  });

describe('XSS corpus rendered in Chromium: console and widget', { timeout: 240_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let shop: OriginServer;
  let admin: ApiClient;
  let sales: AgentChatClient;
  let chat: VisitorChatClient;
  let browsing: VisitorClient;
  let conversationId: string;
  let contactId: string;
  let graph: Awaited<ReturnType<typeof startGraphApi>>;
  /** A WhatsApp conversation: the customer's profile name, their messages and its closing tags are payloads. */
  let whatsappId: string;
  /** Every payload put somewhere; each must be read literally on at least one page. */
  const planted = new Set<string>();
  /** What each page showed literally. */
  const shown = new Set<string>();

  before(async () => {
    ensureTagBuilt();
    [srv, browser, shop] = await Promise.all([
      startTestServer({ demo: true, env: NO_RATE_LIMITS }),
      launchBrowser(),
      startOriginServer(),
    ]);
    admin = await demoAdmin(srv);
    const short = shortPayloads(120);
    const ok = (res: { status: number; body: unknown }, what: string) =>
      assert.ok(res.status < 300, `${what}: ${res.status} ${JSON.stringify(res.body)}`);

    // First (it goes to the first skill by name, before the payload-named skills exist): a WhatsApp
    // customer writes in; profile name and messages are payloads, as is the channel's name.
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
    graph = await startGraphApi({ ...WA, media: new MediaFiles() });
    const channel = await admin.post('/api/v1/channels', {
      type: 'whatsapp',
      name: short[6],
      ...WA,
      apiBaseUrl: graph.url,
    });
    ok(channel, 'channel');
    planted.add(short[6]!);
    const hook = `${srv.url}/hooks/whatsapp/${channel.body.id}`;
    for (const text of XSS_CORPUS.slice(36)) {
      const d = waMessageDelivery(WA.phoneNumberId, '15550009876', text, { name: short[7] });
      assert.equal((await postWebhook(hook, d.body, WA.appSecret)).status, 200);
      planted.add(text);
    }
    planted.add(short[7]!);
    whatsappId = await until(
      () =>
        srv.node.ctx.store.db
          .selectFrom('channel_messages')
          .select('conversation_id')
          .where('account_id', '=', srv.demo!.accountId)
          .executeTakeFirst()
          .then((r) => r?.conversation_id),
      'the WhatsApp conversation',
    );
    // The agent answers it and closes it with payloads as tags and disposition.
    await eventually(() => sales.offers.has(whatsappId), 5000, 'the WhatsApp offer');
    await sales.accept(whatsappId);
    const tags = shortPayloads(40).slice(0, 6);
    await sales.close(whatsappId, { tags, disposition: shortPayloads(60)[8]! });
    for (const tag of tags) planted.add(tag);

    // Names of skills and sites, canned replies, knowledge articles, campaign names.
    for (const [i, name] of short.slice(0, 4).entries()) {
      ok(await admin.post('/api/v1/skills', { name }), 'skill');
      ok(await admin.post('/api/v1/sites', { name: short[short.length - 1 - i]! }), 'site');
      planted.add(name).add(short[short.length - 1 - i]!);
    }
    for (const [i, text] of XSS_CORPUS.slice(0, 8).entries()) {
      ok(
        await admin.post('/api/v1/canned-responses', { shortcut: `xss${i}`, title: text.slice(0, 60), text }),
        'canned',
      );
      planted.add(text);
    }
    for (const [i, body] of XSS_CORPUS.slice(8, 14).entries()) {
      const title = short[(i + 5) % short.length]!;
      ok(await admin.post('/api/v1/knowledge/articles', { title, body, tags: ['xss'] }), 'article');
      planted.add(title).add(body);
    }
    const campaigns: { id: string; name: string }[] = (await admin.get('/api/v1/campaigns')).body.items;
    for (const [i, c] of campaigns.entries()) {
      if (c.name === CHAT_WITH_US) continue;
      const name = short[(i + 10) % short.length]!;
      ok(await admin.patch(`/api/v1/campaigns/${c.id}`, { name }), 'campaign');
      planted.add(name);
    }

    // A chat: the pre-chat form, every payload from the visitor, from the agent, and as notes.
    chat = await startVisitor(srv, {
      skillId: srv.demo!.skillIds.sales,
      name: XSS_CORPUS[2]!,
      email: 'xss.visitor@example.com',
      topic: XSS_CORPUS[5]!,
      text: XSS_CORPUS[0]!,
    });
    conversationId = chat.conversation.id;
    planted.add(XSS_CORPUS[2]!);
    await eventually(() => sales.offers.has(conversationId), 5000, 'offer');
    await sales.accept(conversationId);
    for (const text of XSS_CORPUS) {
      await chat.send(text);
      await sales.send(conversationId, text);
      planted.add(text);
    }
    for (const text of XSS_CORPUS.slice(0, 10)) await sales.send(conversationId, text, { note: true });

    // The contact the pre-chat e-mail made: its name, attributes and notes.
    const contact = await until(async () => {
      const res = await admin.get('/api/v1/contacts?q=xss.visitor');
      return res.body.items?.[0]?.id as string | undefined;
    }, 'the contact');
    contactId = contact;
    const attributes = Object.fromEntries(XSS_CORPUS.slice(20, 30).map((p, i) => [`attr${i}`, p]));
    ok(await admin.patch(`/api/v1/contacts/${contactId}`, { name: short[3], attributes }), 'contact');
    for (const body of XSS_CORPUS.slice(30, 36))
      ok(await admin.post(`/api/v1/contacts/${contactId}/notes`, { body }), 'note');

    // A live visitor whose page title and URL are payloads.
    browsing = await tagVisitor(srv, srv.demo!.siteKey, 'xss-browser-1', {
      url: `${new URL(srv.url).origin}/p?q=${encodeURIComponent(XSS_CORPUS[12]!)}`,
    });
    await browsing.sendBatch([
      {
        type: 'page_view',
        url: `${new URL(srv.url).origin}/next?q=${encodeURIComponent(XSS_CORPUS[3]!)}`,
        title: XSS_CORPUS[4]!,
        ts: Date.now(),
      },
    ]);
  });
  after(async () => {
    await browsing?.close();
    await chat?.close();
    await sales?.disconnect();
    await browser?.close();
    await srv?.close();
    await shop?.close();
    await graph?.close();
  });

  /** Opens a console page as `email`, waits for `ready` to be read on it, and checks the trap. */
  async function consolePage(context: BrowserContext, path: string, ready: string) {
    const page = await context.newPage();
    await page.goto(`${srv.url}/console${path}`);
    await until(
      async () => (await readable(page)).includes(ready),
      `${path} showing ${ready.slice(0, 40)}`,
      15_000,
    );
    // Let late renders (lists, sockets) settle, and hover and focus around as a person would.
    await page.waitForTimeout(500);
    await page.mouse.move(400, 300);
    await page.keyboard.press('Tab');
    const text = await readable(page);
    for (const p of planted) if (text.includes(p)) shown.add(p);
    assert.deepEqual(await hits(page), [], `${path}: a payload ran`);
    return page;
  }

  async function signedIn(email: string) {
    const { cookie } = await cookieFor(srv, email);
    const [name, value] = cookie.split('=') as [string, string];
    const trapped = await trappedContext(browser);
    await trapped.context.addCookies([{ name, value, url: srv.url }]);
    return trapped;
  }

  it('springs the trap when markup is injected, so a payload that ran would be seen', async () => {
    const { context } = await trappedContext(browser);
    const page = await context.newPage();
    await page.goto(`${srv.url}/console/`);
    await page.evaluate((html) => {
      const doc = globalThis as unknown as { document: { body: { innerHTML: string } } };
      doc.document.body.innerHTML = html;
    }, XSS_CORPUS[2]!);
    await until(async () => (await hits(page)).length > 0, 'the trap');
    assert.deepEqual(await hits(page), [3]);
    await context.close();
  });

  it('runs nothing in the console, and shows every payload as text', async () => {
    const owner = await signedIn('admin@demo.beckon.local');
    const short = shortPayloads(120);
    /** Each page, what shows it has loaded, and what else to do there. */
    const pages: [string, string, ((page: Page) => Promise<unknown>)?][] = [
      [
        `/conversations/history/${conversationId}`,
        XSS_CORPUS.at(-1)!,
        (page) => page.screenshot({ path: `${SHOTS_DIR}security-xss-history.png` }),
      ],
      ['/conversations/history', XSS_CORPUS[2]!],
      [
        `/conversations/history/${whatsappId}`,
        XSS_CORPUS.at(-1)!,
        async (page) => {
          await page.screenshot({ path: `${SHOTS_DIR}security-xss-whatsapp.png` });
          // Its details say where it came from, not "through the API".
          await page.getByText('Wrote on WhatsApp', { exact: true }).waitFor({ timeout: 2000 });
        },
      ],
      ['/settings/channels', short[6]!],
      [`/contacts/${contactId}`, XSS_CORPUS[30]!],
      ['/contacts', short[3]!],
      ['/campaigns', [...planted].find((p) => p === short[11])!],
      ['/settings/sites', short.at(-1)!],
      ['/settings/skills', short[0]!],
      ['/settings/canned-responses', XSS_CORPUS[1]!.slice(0, 60)],
      ['/settings/knowledge', short[5]!],
      ['/visitors', XSS_CORPUS[4]!],
    ];
    // The pages are independent: three tabs take them in turn, each closed once checked (an open
    // console keeps working on its socket), so their waits overlap.
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let next = pages.shift(); next; next = pages.shift()) {
          const [path, ready, more] = next;
          const page = await consolePage(owner.context, path, ready);
          await more?.(page);
          await page.close();
        }
      }),
    );
    assert.deepEqual(owner.dialogs, [], 'no dialog opened');
    await owner.context.close();

    // The agent's workspace: the live conversation, notes and the visitor's details.
    const agent = await signedIn('sales@demo.beckon.local');
    const page = await consolePage(agent.context, '/conversations', XSS_CORPUS[2]!);
    await page.getByText(XSS_CORPUS[2]!).first().click();
    await until(
      async () => (await readable(page)).includes(XSS_CORPUS.at(-1)!),
      'the open conversation',
      15_000,
    );
    await page.waitForTimeout(500);
    const text = await readable(page);
    for (const p of planted) if (text.includes(p)) shown.add(p);
    assert.deepEqual(await hits(page), [], 'the workspace: a payload ran');
    assert.deepEqual(agent.dialogs, []);
    await agent.context.close();
  });

  it('runs nothing in the widget: invitation text and chat messages both ways, on desktop and phone', async () => {
    const site = await admin.get(`/api/v1/sites/${srv.demo!.siteId}`);
    await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, {
      allowedOrigins: [...site.body.allowedOrigins, shop.url],
    });
    const campaigns: { id: string; name: string }[] = (await admin.get('/api/v1/campaigns')).body.items;
    const button = campaigns.find((c) => c.name === CHAT_WITH_US);
    if (button) await admin.patch(`/api/v1/campaigns/${button.id}`, { status: 'paused' });
    shop.page('/xss', customerPage(srv.url, srv.demo!.siteKey));

    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 375, height: 740 },
    ]) {
      const { context, dialogs } = await trappedContext(browser, viewport);
      const page = await context.newPage();
      await page.goto(`${shop.url}/xss`);
      await page.waitForFunction(() => typeof (globalThis as { beckon?: unknown }).beckon === 'function');
      const visitorId = await page.evaluate(() =>
        (globalThis as unknown as { beckon(what: string): string }).beckon('visitorId'),
      );
      await until(
        async () => (await admin.get(`/api/v1/visitors/${visitorId}`)).status === 200,
        'the visitor',
      );
      const id = await invitedChat(page, admin, sales, {
        visitorId,
        skillId: srv.demo!.skillIds.sales,
        message: XSS_CORPUS[5]!,
      });
      const widget = page.locator('beckon-widget');
      for (const text of XSS_CORPUS) await sales.send(id, text);
      const input = widget.getByRole('textbox').last();
      for (const text of XSS_CORPUS.slice(0, 6)) {
        await input.fill(text);
        await input.press('Enter');
      }
      await until(
        async () => (await readable(page)).includes(XSS_CORPUS.at(-1)!),
        'the last agent line',
        15_000,
      );
      await page.waitForTimeout(500);
      if (viewport.width === 375) await page.screenshot({ path: `${SHOTS_DIR}security-xss-widget-375.png` });
      const text = await readable(page);
      const missing = XSS_CORPUS.filter((p) => !text.includes(p));
      assert.deepEqual(missing, [], 'every agent line shown as written in the widget');
      for (const p of XSS_CORPUS) shown.add(p);
      assert.deepEqual(await hits(page), [], 'the widget: a payload ran');
      assert.deepEqual(dialogs, []);
      await sales.close(id).catch(() => undefined);
      await context.close();
    }
  });

  it('showed every planted payload literally somewhere', () => {
    const unseen = [...planted].filter((p) => !shown.has(p));
    assert.deepEqual(unseen, []);
    assert.ok(planted.size >= 40, `only ${planted.size} payloads planted`);
  });
});
