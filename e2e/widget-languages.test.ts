import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { Browser, Page } from 'playwright-core';
import { CHAT_WITH_US } from '../packages/server/src/engagement/demo-campaigns.ts';
import type { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { connectAgent } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { report, seriousViolations } from './helpers/axe.ts';
import { launchBrowser, orReport, SHOTS_DIR } from './helpers/browser.ts';
import {
  customerPage,
  demoAdmin,
  engageFrame,
  inShadow,
  interceptVisitorSocket,
  type OriginServer,
  recordFrames,
  startOriginServer,
  until,
} from './helpers/tag-fixtures.ts';

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SHOTS_DIR}widget-languages-${name}.png` });
/** A customer's page whose `<html lang>` is `lang`. */
const pageIn = (lang: string, beckonUrl: string, siteKey: string) =>
  customerPage(beckonUrl, siteKey).replace('<html lang="en">', `<html lang="${lang}">`);

describe('the widget in the visitor’s language (Chromium)', () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;
  let sales: AgentChatClient;
  let shop: OriginServer;
  const pageErrors: string[] = [];
  before(async () => {
    ensureTagBuilt();
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser, shop] = await Promise.all([
      startTestServer({ demo: true }),
      launchBrowser(),
      startOriginServer(),
    ]);
    admin = await demoAdmin(srv);
    const campaigns: { id: string; name: string }[] = (await admin.get('/api/v1/campaigns')).body.items;
    const button = campaigns.find((c) => c.name === CHAT_WITH_US)!;
    await admin.patch(`/api/v1/campaigns/${button.id}`, { status: 'paused' });
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
    const site = await admin.get(`/api/v1/sites/${srv.demo!.siteId}`);
    await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, {
      allowedOrigins: [...site.body.allowedOrigins, shop.url],
    });
    for (const lang of ['ar', 'he', 'ja', 'de', 'fr'])
      shop.page(`/${lang}`, pageIn(lang, srv.url, srv.demo!.siteKey));
  });
  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], 'no script error in the page');
  });
  after(async () => {
    await sales?.disconnect();
    await browser?.close();
    await srv?.close();
    await shop?.close();
  });

  /** Opens `path` on the customer's origin, in a browser whose own language is English. */
  const open = async (path: string, width: number, intercept = false) => {
    const context = await browser.newContext({
      locale: 'en-US',
      viewport: { width, height: width > 500 ? 800 : 700 },
      ...(width <= 500 ? { isMobile: true, hasTouch: true } : {}),
    });
    context.on('weberror', (e) => pageErrors.push(String(e.error())));
    const page = await context.newPage();
    const log = intercept ? await interceptVisitorSocket(page) : recordFrames(page);
    await page.goto(`${shop.url}${path}`);
    await until(() => log.received.find((f) => f.type === 'welcome' && f.visitorId), 'the tag’s welcome');
    const visitorId = log.sent.find((f) => f.type === 'hello' && f.visitorId).visitorId as string;
    return { context, page, log, visitorId, widget: page.locator('beckon-widget') };
  };

  it('on an Arabic page: right to left, in Arabic, mirrored, and a chat goes both ways', async () => {
    const { context, page, log, visitorId, widget } = await open('/ar', 1280);
    const invited = await admin.post(`/api/v1/visitors/${visitorId}/invite`, {
      message: 'مرحبًا! هل تحتاج إلى مساعدة في اختيار المصباح؟',
      skillId: srv.demo!.skillIds.sales,
    });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    const invitation = widget.getByRole('alertdialog');
    await invitation.getByRole('button', { name: 'بدء المحادثة' }).waitFor();
    await invitation.getByRole('button', { name: 'ليس الآن' }).waitFor();
    assert.equal(await widget.getAttribute('dir'), 'rtl', 'the widget’s root carries dir=rtl');
    assert.equal(await widget.getAttribute('lang'), 'ar');
    const card = (await invitation.boundingBox())!;
    assert.ok(card.x < 100, `the invitation sits on the left: x=${card.x}`);
    await shot(page, 'ar-1280-invitation');

    await invitation.getByRole('button', { name: 'بدء المحادثة' }).click();
    const panel = widget.getByRole('dialog');
    const form = panel.getByRole('form', { name: 'قبل أن نبدأ' });
    await form.getByLabel('الاسم').fill('ليلى');
    const offered = sales.next('offer', () => true, 20_000);
    await form.getByRole('button', { name: 'بدء المحادثة' }).click();
    const { conversation } = await offered;
    await sales.accept(conversation.id);
    // Twice at load the header did not say it: what the panel showed, the states the socket
    // brought and the server's own say which side fell short.
    await orReport(panel.getByText('متصل الآن').first().waitFor(), async () => {
      const shown = (await panel.textContent({ timeout: 1000 }).catch(() => '(no panel)'))?.slice(0, 300);
      const states = log.received
        .filter((f) => f.conversation?.status)
        .map((f) => `${f.type}:${f.conversation.status}`);
      const stored = await admin.get(`/api/v1/conversations/${conversation.id}`);
      return `panel: ${shown}\nframes: ${states.join(' ')}\nserver: ${(stored.body.conversation ?? stored.body).status}`;
    });
    // The line the server writes when the agent joins is in Arabic too.
    await panel.getByText('انضم Sales Agent إلى المحادثة.').waitFor();
    const box = panel.getByRole('textbox', { name: 'الرسالة' });
    assert.equal(await box.getAttribute('placeholder'), 'اكتب رسالة…');
    await box.fill('أبحث عن مصباح للمكتب');
    await box.press('Enter');
    await sales.waitForMessage(conversation.id, (m) => m.text === 'أبحث عن مصباح للمكتب');
    await sales.send(conversation.id, 'بالتأكيد! مصباح البلوط مناسب جدًا.');
    await panel.getByText('بالتأكيد! مصباح البلوط مناسب جدًا.').waitFor();
    const sides = await inShadow<{ out: number; inn: number; align: string }>(
      page,
      `(() => { const o = root.querySelector('.entry.out').getBoundingClientRect(); const i = [...root.querySelectorAll('.entry.in')].at(-1).getBoundingClientRect();
        return { out: o.left, inn: i.left, align: getComputedStyle(root.querySelector('.bubble')).textAlign }; })()`,
    );
    assert.ok(
      sides.out < sides.inn,
      `the visitor’s own message is on the left, the agent’s on the right: ${JSON.stringify(sides)}`,
    );
    assert.equal(sides.align, 'start');
    const frame = (await panel.boundingBox())!;
    assert.ok(frame.x < 100, `the panel opens on the left: x=${frame.x}`);
    await shot(page, 'ar-1280-chat');

    // Minimised, the launcher waits on the left too.
    await panel.getByRole('button', { name: 'تصغير المحادثة' }).click();
    const launcher = widget.getByRole('button', { name: /فتح المحادثة/ });
    await launcher.waitFor();
    const fab = (await launcher.boundingBox())!;
    assert.ok(fab.x < 100, `the launcher is on the left: x=${fab.x}`);
    await sales.send(conversation.id, 'هل لديك سؤال آخر؟');
    await widget.getByRole('button', { name: 'فتح المحادثة, رسالة واحدة غير مقروءة' }).waitFor();
    await shot(page, 'ar-1280-launcher');
    await sales.close(conversation.id);
    await context.close();
  });

  for (const lang of ['ar', 'he', 'ja', 'de']) {
    for (const width of [375, 1280]) {
      it(`draws the pre-chat form in ${lang} at ${width} px, with no serious axe finding`, async () => {
        const { context, page, log, widget } = await open(`/${lang}`, width, true);
        await (log as Awaited<ReturnType<typeof interceptVisitorSocket>>).inject(
          engageFrame(`exp_${lang}_${width}`, {
            type: 'chat_button',
            skillId: srv.demo!.skillIds.sales,
            label: 'Chat',
          }),
        );
        await widget.getByRole('button', { name: 'Chat', exact: true }).click();
        const want = {
          ar: 'قبل أن نبدأ',
          he: 'לפני שמתחילים',
          ja: 'チャットを始める前に',
          de: 'Bevor wir beginnen',
        }[lang]!;
        await widget.getByRole('form', { name: want }).waitFor();
        assert.equal(await widget.getAttribute('dir'), lang === 'ar' || lang === 'he' ? 'rtl' : 'ltr');
        const optional = { ar: '(اختياري)', he: '(לא חובה)', ja: '（任意）', de: '(optional)' }[lang]!;
        assert.equal(
          (await inShadow<string>(page, `root.querySelector('.opt').textContent`)).trim(),
          optional,
        );
        // axe over the widget alone (the host page is the customer's), in its language and direction.
        const widgetRoot = `document.querySelector('beckon-widget')`;
        assert.deepEqual(report(`${lang} ${width}px`, await seriousViolations(page, widgetRoot)), []);
        await page.waitForTimeout(300);
        await shot(page, `${lang}-${width}-prechat`);
        await context.close();
      });
    }
  }

  it('follows the site’s fixed language over the page’s, and shows the campaign’s text in it', async () => {
    const created = await admin.post('/api/v1/sites', {
      name: 'Laden DE',
      widgetLanguage: 'de',
      allowedOrigins: [shop.url],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    shop.page('/fr-page-de-site', pageIn('fr', srv.url, created.body.siteKey));
    const { context, page, log, widget } = await open('/fr-page-de-site', 1280, true);
    const inject = (log as Awaited<ReturnType<typeof interceptVisitorSocket>>).inject;
    await inject(
      engageFrame('exp_offer_de', {
        type: 'content',
        title: 'Free shipping today',
        text: 'On every lamp.',
        ctaLabel: 'Shop lamps',
        ctaUrl: 'https://shop.example/lamps',
        translations: {
          de: { title: 'Heute versandkostenfrei', text: 'Auf jede Lampe.' },
          fr: { title: 'Livraison offerte' },
        },
      }),
    );
    const offer = widget.getByRole('dialog');
    await offer.getByText('Heute versandkostenfrei').waitFor();
    await offer.getByText('Auf jede Lampe.').waitFor();
    await offer.getByRole('link', { name: 'Shop lamps' }).waitFor();
    await offer.getByRole('button', { name: 'Schließen' }).waitFor();
    assert.equal(await widget.getAttribute('lang'), 'de');
    await shot(page, 'de-site-on-fr-page');
    await context.close();

    // The same offer on the demo site (automatic) and a French page: the French title, the default rest.
    const fr = await open('/fr', 1280, true);
    await (fr.log as Awaited<ReturnType<typeof interceptVisitorSocket>>).inject(
      engageFrame('exp_offer_fr', {
        type: 'content',
        title: 'Free shipping today',
        text: 'On every lamp.',
        ctaLabel: 'Shop lamps',
        ctaUrl: 'https://shop.example/lamps',
        translations: { fr: { title: 'Livraison offerte' } },
      }),
    );
    const frOffer = fr.widget.getByRole('dialog');
    await frOffer.getByText('Livraison offerte').waitFor();
    await frOffer.getByText('On every lamp.').waitFor();
    await frOffer.getByRole('button', { name: 'Fermer' }).waitFor();
    await fr.context.close();
  });
});
