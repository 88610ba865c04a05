import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWebBundle, webPage } from '../packages/react-native/web/build-web.ts';
import { analyticsOf } from '../packages/server/src/analytics/analytics-runtime.ts';
import { userHashOf } from '../packages/server/src/channels/identity.ts';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { connectAgent, eventually } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, orReport, SHOTS_DIR } from './helpers/browser.ts';
import { gradientPng } from './helpers/sample-image.ts';
import { demoAdmin, type OriginServer, startOriginServer } from './helpers/tag-fixtures.ts';

// The drop-in UI (packages/react-native) rendered by react-native-web in Chromium: the Demo Store
// as an app (packages/react-native/web/demo-app.tsx) against a real Beckon server.
const ENTRY = new URL('../packages/react-native/web/demo-app.tsx', import.meta.url).pathname;
const PHONE = { width: 400, height: 760 };

describe('the React Native drop-in UI through react-native-web, against the Demo Store', () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;
  let sales: AgentChatClient;
  let bundle: string;
  let secret: string;
  let invitationId: string;
  let offerId: string;
  let origin: OriginServer;
  let pages = 0;
  const contexts: BrowserContext[] = [];

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser, bundle, origin] = await Promise.all([
      startTestServer({ demo: true }),
      launchBrowser(),
      buildWebBundle(ENTRY),
      startOriginServer(),
    ]);
    admin = await demoAdmin(srv);
    // The web build of the app runs on its own origin, which the site allows as it would its shop's.
    const site = await admin.get(`/api/v1/sites/${srv.demo!.siteId}`);
    await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, {
      allowedOrigins: [...site.body.allowedOrigins, origin.url],
    });
    secret = (await admin.get(`/api/v1/sites/${srv.demo!.siteId}/identity`)).body.secret as string;
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
    const invite = await admin.post('/api/v1/campaigns', {
      name: 'App checkout help',
      status: 'active',
      surfaces: 'app',
      goal: { type: 'purchase' },
      targeting: { field: 'screen.section', op: 'equals', value: 'checkout' },
      engagement: {
        type: 'chat_invitation',
        skillId: srv.demo!.skillIds.sales,
        message: 'Questions about your order? We reply in a minute.',
        style: 'toaster',
        offline: 'none',
        translations: { ar: { message: 'هل لديك أسئلة عن طلبك؟ نرد خلال دقيقة.' } },
      },
    });
    assert.equal(invite.status, 201, JSON.stringify(invite.body));
    invitationId = invite.body.id;
    const offer = await admin.post('/api/v1/campaigns', {
      name: 'App deals',
      status: 'active',
      surfaces: 'app',
      goal: { type: 'purchase' },
      targeting: { field: 'screen.section', op: 'equals', value: 'deals' },
      engagement: {
        type: 'content',
        title: '15% off lamps this week',
        text: 'Light up the evenings: every lamp in the store, this week only.',
        ctaLabel: 'See the lamps',
        ctaUrl: 'https://demo.beckon.local/lamps',
        translations: {
          ar: {
            title: 'خصم 15% على المصابيح هذا الأسبوع',
            text: 'كل المصابيح في المتجر، هذا الأسبوع فقط.',
            ctaLabel: 'شاهد المصابيح',
          },
        },
      },
    });
    assert.equal(offer.status, 201, JSON.stringify(offer.body));
    offerId = offer.body.id;
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await sales?.disconnect();
    await browser?.close();
    await srv?.close();
    await origin?.close();
  });

  /** Opens the app in a fresh phone-sized context (a fresh install: its own storage). */
  async function openApp(
    userId: string,
    opts: { lang?: string; baseUrl?: string; context?: BrowserContext } = {},
  ): Promise<Page> {
    const context = opts.context ?? (await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2 }));
    if (!opts.context) contexts.push(context);
    const page = await context.newPage();
    const lang = opts.lang ?? 'en';
    const config = {
      baseUrl: opts.baseUrl ?? srv.url,
      siteKey: srv.demo!.siteKey,
      lang,
      user: {
        userId,
        userHash: userHashOf(secret, userId),
        name: 'Mia Chen',
        email: `${userId}@example.com`,
      },
    };
    const path = `/app-${++pages}`;
    origin.page(path, webPage(bundle, config, lang));
    await page.goto(`${origin.url}${path}`);
    await page.getByText('Demo Store').waitFor();
    return page;
  }

  const visitorIdOf = (page: Page) =>
    page.evaluate(
      () =>
        (globalThis as unknown as { beckonApp: { tracker: { visitorId: string } } }).beckonApp.tracker
          .visitorId,
    );

  const lift = async (id: string) => {
    await srv.node.ctx.store.eventsWriter.flush();
    await analyticsOf(srv.node.ctx).job.catchUp();
    const res = await admin.get(`/api/v1/reports/campaigns/${id}/lift`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.lift as { exposed: { visitors: number; conversions: number; revenue: number } };
  };

  it('invites on the checkout screen, chats with an agent (typing, photo, seen, rating), and the order counts in the lift report', async (t) => {
    const page = await openApp('rn-user-1');
    // What the app's sockets received, read without touching them: a failure says what came.
    const received: { type?: string; from?: string; typing?: boolean; conversation?: { status?: string } }[] =
      [];
    page.on('websocket', (ws) =>
      ws.on('framereceived', (f) => {
        try {
          const frame = JSON.parse(String(f.payload));
          if (frame.type !== 'message') received.push(frame);
        } catch {
          // Not a frame of ours.
        }
      }),
    );
    await page.getByRole('tab', { name: 'Cart' }).click();
    const banner = page.getByTestId('beckon-invitation');
    await banner.getByText('Questions about your order?').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}rn-invitation.png` });

    await banner.getByRole('button', { name: 'Start chat' }).click();
    const chat = page.getByTestId('beckon-chat');
    await chat.getByText('Chat with us').first().waitFor();
    await chat.getByRole('textbox', { name: 'Write a message…' }).fill('Is the Aurora lamp dimmable?');
    await chat.getByRole('button', { name: 'Send message' }).click();
    const offered = await eventually(
      () => [...sales.offers.values()].find((o) => o.channel === 'app') ?? null,
      10_000,
      'the offer of the app conversation',
    );
    const conversationId = offered.id;
    await sales.accept(conversationId);
    await chat.getByText('Online now').waitFor();
    // "Typing" again every 3 s until the app shows it, as the console does while its agent types.
    let signals = 0;
    const typing = () => {
      signals++;
      sales.typing(conversationId, true);
    };
    typing();
    const again = setInterval(typing, 3000);
    try {
      await orReport(chat.getByTestId('beckon-typing').waitFor(), async () => {
        const seen = received.map((f) => `${f.type}${f.conversation ? ` ${f.conversation.status}` : ''}`);
        return `after ${signals} typing signals, the app's sockets received (the last 40): ${seen.slice(-40).join(', ')}`;
      });
    } finally {
      clearInterval(again);
    }
    // One signal should do; the refresh only covers one lost on a loaded machine, and says so.
    if (signals > 1)
      t.diagnostic(`the app showed typing after ${signals} signals: ${JSON.stringify(received)}`);
    await page.screenshot({ path: `${SHOTS_DIR}rn-chat-typing.png` });
    await sales.send(conversationId, 'Yes! It dims in three steps with a touch on the base.');
    await chat.getByText('It dims in three steps').waitFor();
    const own = await sales.waitForMessage(conversationId, (m) => m.text === 'Is the Aurora lamp dimmable?');
    sales.read(conversationId, own.seq);
    await chat.getByText('Seen').waitFor();

    const chooser = page.waitForEvent('filechooser');
    await chat.getByRole('button', { name: 'Attach a file (images or PDF)' }).click();
    await (await chooser).setFiles({
      name: 'my-desk.png',
      mimeType: 'image/png',
      buffer: gradientPng(320, 240),
    });
    const photo = await sales.waitForMessage(conversationId, (m) => m.attachments.length === 1);
    assert.equal(photo.attachments[0]!.name, 'my-desk.png');
    await chat.getByRole('link', { name: 'Open image my-desk.png full size' }).waitFor();
    // The photo itself has loaded from its signed URL (react-native-web draws it from an <img>).
    await page.waitForFunction(
      '[...document.images].length > 0 && [...document.images].every((i) => i.complete && i.naturalWidth > 0)',
    );
    await page.screenshot({ path: `${SHOTS_DIR}rn-chat.png` });

    await sales.close(conversationId);
    const rating = chat.getByRole('form', { name: 'How was your chat?' });
    await rating.waitFor();
    await rating.getByRole('radio', { name: '5 of 5: Excellent' }).click();
    await rating.getByRole('textbox', { name: 'Comment (optional)' }).fill('Quick and clear.');
    await page.screenshot({ path: `${SHOTS_DIR}rn-chat-rating.png` });
    await rating.getByRole('button', { name: 'Send feedback' }).click();
    await chat.getByText('Thanks for your feedback!').waitFor();
    const stored = await srv.node.ctx.store.conversations.get(srv.demo!.accountId, conversationId);
    assert.equal(stored.csatScore, 5);

    await chat.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByText('Order placed').waitFor();
    await page.getByText('all sent').waitFor();
    const visitorId = await visitorIdOf(page);
    await srv.node.ctx.store.eventsWriter.flush();
    const exposure = await srv.node.ctx.store.db
      .selectFrom('exposures')
      .select(['outcome', 'campaign_id'])
      .where('visitor_id', '=', visitorId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(exposure, { outcome: 'accepted', campaign_id: invitationId });
    // The purchase reaches the report once the node has recorded its conversion (a batched write).
    const l = await eventually(
      async () => {
        const now = await lift(invitationId);
        return now.exposed.conversions > 0 ? now : undefined;
      },
      10_000,
      'the order in the lift report',
    );
    assert.equal(l.exposed.visitors, 1);
    assert.equal(l.exposed.conversions, 1);
    assert.equal(l.exposed.revenue, 89);
  });

  it('shows an offer card on the deals screen and reports the click', async () => {
    const page = await openApp('rn-user-2');
    await page.getByRole('tab', { name: 'Deals' }).click();
    const card = page.getByTestId('beckon-offer');
    await card.getByText('15% off lamps this week').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}rn-offer.png` });
    await card.getByRole('button', { name: 'See the lamps' }).click();
    await page.getByText('all sent').waitFor();
    const visitorId = await visitorIdOf(page);
    await srv.node.ctx.store.eventsWriter.flush();
    const row = await srv.node.ctx.store.db
      .selectFrom('exposures')
      .select('outcome')
      .where('visitor_id', '=', visitorId)
      .where('campaign_id', '=', offerId)
      .executeTakeFirstOrThrow();
    assert.equal(row.outcome, 'clicked');
  });

  it('lays out right to left in Arabic, with the campaign’s Arabic words', async () => {
    const page = await openApp('rn-user-ar', { lang: 'ar' });
    await page.getByRole('tab', { name: 'Deals' }).click();
    const card = page.getByTestId('beckon-offer');
    await card.getByText('خصم 15% على المصابيح هذا الأسبوع').waitFor();
    assert.equal(await card.getAttribute('dir'), 'rtl');
    await page.screenshot({ path: `${SHOTS_DIR}rn-offer-rtl.png` });
    await card.getByRole('button', { name: 'إغلاق' }).click();
    await page.getByRole('tab', { name: 'Cart' }).click();
    const banner = page.getByTestId('beckon-invitation');
    await banner.getByText('هل لديك أسئلة عن طلبك؟').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}rn-invitation-rtl.png` });
    // A slow network: the chat screen's sign-in answers late, and the user writes before it has.
    await page.route('**/api/v1/messaging/session', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await banner.getByRole('button', { name: 'بدء المحادثة' }).click();
    const chat = page.getByTestId('beckon-chat');
    assert.equal(await chat.getAttribute('dir'), 'rtl');
    const question = 'هل المصباح متوفر باللون الأخضر؟';
    await chat.getByRole('textbox').fill(question);
    await chat.getByRole('textbox').press('Enter');
    await chat.getByText(question).waitFor();
    // Routing runs beside the rest of the suite; on failure the chat's own words tell where it stopped.
    const offered = await orReport(
      eventually(
        () => [...sales.offers.values()].find((o) => o.channel === 'app' && o.status !== 'closed') ?? null,
        20_000,
        'the offer',
      ),
      async () => `the chat shows: ${JSON.stringify(await chat.innerText())}`,
    );
    await sales.accept(offered.id);
    await sales.send(offered.id, 'نعم، متوفر باللون الأخضر ويُشحن غدًا.');
    await chat.getByText('ويُشحن غدًا').waitFor();
    sales.typing(offered.id, true);
    await chat.getByTestId('beckon-typing').waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}rn-chat-rtl.png` });
    await sales.close(offered.id);
  });

  it('keeps what the app did offline and sends it, in order, after a restart', async () => {
    // The app starts with no way to the server: screens and the order wait in its storage.
    const context = await browser.newContext({ viewport: PHONE });
    contexts.push(context);
    const offline = await openApp('rn-user-offline', { baseUrl: 'http://127.0.0.1:9', context });
    const visitorId = await visitorIdOf(offline);
    await offline.getByRole('tab', { name: 'Deals' }).click();
    await offline.getByRole('button', { name: 'Add to cart' }).click();
    await offline.getByRole('button', { name: 'Place order' }).click();
    await offline.getByText('5 waiting to send').waitFor();
    await offline.evaluate(() =>
      (
        globalThis as unknown as { beckonApp: { tracker: { persisted(): Promise<void> } } }
      ).beckonApp.tracker.persisted(),
    );
    await offline.close();

    // Restarted with the network back: the same install sends them, and nothing is lost.
    const online = await openApp('rn-user-offline', { context });
    assert.equal(await visitorIdOf(online), visitorId, 'the same install');
    await online.getByText('all sent').waitFor();
    await srv.node.ctx.store.eventsWriter.flush();
    const rows = await srv.node.ctx.store.db
      .selectFrom('event_frames')
      .select(['batch_id', 'frame'])
      .where('visitor_id', '=', visitorId)
      .execute();
    const chunk = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));
    const events = rows
      .sort((a, b) => chunk(a.batch_id) - chunk(b.batch_id))
      .flatMap(
        (r) =>
          (JSON.parse(r.frame) as { events: { type: string; url?: string; attrType?: string }[] }).events,
      )
      .map((e) => (e.type === 'page_view' ? e.url : e.type === 'attr' ? e.attrType : e.type));
    // Then the restarted app's first screen.
    assert.deepEqual(events, [
      'app://ios/Home',
      'app://ios/Deals',
      'cart',
      'app://ios/Cart',
      'purchase',
      'app://ios/Home',
    ]);
  });
});
