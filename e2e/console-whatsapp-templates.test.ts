import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { OUTBOX_TEST_ENV } from '../packages/server/test/channel-contract.ts';
import { cookieFor } from '../packages/server/test/helpers/chat-fixtures.ts';
import {
  type GraphSent,
  MEDIA_HEADER_TEMPLATES,
  orderUpdateBody,
  postWebhook,
  SAMPLE_TEMPLATES,
  startGraphApi,
  waMessageDelivery,
} from '../packages/server/test/helpers/graph-api-server.ts';
import { PNG } from '../packages/server/test/helpers/sample-files.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, goOnline, signedInAs, until, VIEWPORT } from './helpers/workspace-fixtures.ts';

const NUMBER = {
  phoneNumberId: '106540352242923',
  accessToken: 'EAAG-template-token',
  appSecret: 'template-app-secret',
  verifyToken: 'template-verify',
  wabaId: '102290129340399',
};

describe('WhatsApp templates in the console, in Chromium', () => {
  let graph: Awaited<ReturnType<typeof startGraphApi>>;
  let srv: TestServer;
  let browser: Browser;
  let sales: ConsolePage;
  let admin: ConsolePage;
  let contactId = '';
  let hook = '';

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    // The sample templates, and one whose header is an image.
    graph = await startGraphApi({ ...NUMBER, templates: [...SAMPLE_TEMPLATES, MEDIA_HEADER_TEMPLATES[0]!] });
    [srv, browser] = await Promise.all([
      startTestServer({ demo: true, env: OUTBOX_TEST_ENV }),
      launchBrowser(),
    ]);
    const a = await cookieFor(srv, 'admin@demo.beckon.local');
    const res = await fetch(`${srv.url}/api/v1/channels`, {
      method: 'POST',
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'whatsapp',
        name: 'Store WhatsApp',
        ...NUMBER,
        apiBaseUrl: graph.url,
        defaultSkillId: srv.demo!.skillIds.sales,
      }),
    });
    assert.equal(res.status, 201);
    hook = ((await res.json()) as { webhookUrl: string }).webhookUrl;
  });
  after(async () => {
    await sales?.context.close();
    await admin?.context.close();
    await browser?.close();
    await srv?.close();
    await graph?.close();
  });

  it('outside the window the agent picks a template, fills its variables, and WhatsApp gets the template', async () => {
    sales = await signedInAs(browser, srv, 'sales@demo.beckon.local');
    const { page } = sales;
    await goOnline(page);

    const from = '15557650001';
    const yesterday = Math.floor(Date.now() / 1000) - 26 * 3600;
    const d = waMessageDelivery(NUMBER.phoneNumberId, from, 'Where is my order?', {
      name: 'Lucía Romero',
      timestamp: yesterday,
    });
    assert.equal((await postWebhook(hook, d.body, NUMBER.appSecret)).status, 200);
    const offer = page.getByTestId('offer-card');
    await offer.getByText('Where is my order?').waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();

    const chat = page.getByTestId('chat');
    await chat.getByTestId('window-badge').getByText('Window closed · templates only').waitFor();
    const composer = chat.getByTestId('template-composer');
    await composer.getByText('The 24-hour window is closed.').waitFor();
    assert.equal(await page.getByTestId('composer-input').count(), 0, 'no free text outside the window');
    const names = await composer
      .getByTestId('template-option')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    assert.deepEqual(
      names.sort(),
      ['follow_up', 'new_arrivals', 'order_update', 'receipt_pdf'],
      'approved ones only',
    );
    assert.equal(
      await composer.locator('[data-name="receipt_pdf"] input').isDisabled(),
      false,
      'a document header is sent with its file',
    );
    await page.screenshot({ path: `${SHOTS_DIR}/whatsapp-template-picker.png` });

    // Notes need no window: the agent writes one, then goes back to the templates.
    await composer.getByTestId('write-note').click();
    await page.getByTestId('composer-input').fill('Customer asked on Tuesday too.');
    await page.getByTestId('composer-input').press('Enter');
    await chat.getByText('Customer asked on Tuesday too.').waitFor();
    await page.getByRole('button', { name: 'Send a template instead' }).click();
    await composer.waitFor();

    // Chosen from the keyboard: the radio group moves with the arrow keys.
    await composer.locator('[data-name="new_arrivals"] input').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await composer.locator('[data-name="order_update"] input').isChecked(), true);

    const preview = composer.getByTestId('template-preview');
    await preview.getByText('{{1}}').first().waitFor();
    const send = composer.getByTestId('send-template');
    assert.equal(await send.isDisabled(), true, 'not until every variable is filled');
    await composer.getByTestId('template-var-header-1').fill('#4821');
    await composer.getByTestId('template-var-body-1').fill('Lucía');
    await preview.getByText('Hi Lucía, your order {{2}}', { exact: false }).waitFor();
    await composer.getByTestId('template-var-body-2').fill('#4821');
    await composer.getByTestId('template-var-body-3').fill('on Friday');
    await preview.getByText('Hi Lucía, your order #4821 has shipped and arrives on Friday.').waitFor();
    await composer.screenshot({ path: `${SHOTS_DIR}/whatsapp-template-filled.png` });
    await send.click();

    const sent = await until(
      () => graph.sent.find((s: GraphSent) => s.to === from),
      'the template at the Graph API',
    );
    assert.deepEqual(sent.raw, orderUpdateBody(from, '#4821', ['Lucía', '#4821', 'on Friday']));
    // In the conversation's lines: the composer's preview may still show the same words a moment.
    await chat
      .getByTestId('message-list')
      .getByText('Hi Lucía, your order #4821 has shipped and arrives on Friday.')
      .waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/whatsapp-template-sent.png` });

    // The customer answers: the window opens, and free text is back with the time left.
    const reply = waMessageDelivery(NUMBER.phoneNumberId, from, 'Thanks!', { name: 'Lucía Romero' });
    assert.equal((await postWebhook(hook, reply.body, NUMBER.appSecret)).status, 200);
    await chat
      .getByTestId('window-badge')
      .getByText(/Window open · 2[34] h left/)
      .waitFor();
    await page.getByTestId('composer-input').waitFor();
    const conv = await srv.node.ctx.store.conversations.find(
      srv.demo!.accountId,
      (await chat.getAttribute('data-conversation-id')) ?? '',
    );
    contactId = conv!.contactId!;

    // On a phone (375 px) the open chat, its window badge and composer fit: nothing scrolls sideways.
    await page.setViewportSize({ width: 375, height: 740 });
    await chat.getByTestId('window-badge').waitFor();
    const wide = await page.evaluate<string[]>(`(() => {
      const out = [];
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > innerWidth + 1 && getComputedStyle(el).visibility !== 'hidden')
          out.push(el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' ends at ' + Math.round(r.right));
      }
      return [document.documentElement.scrollWidth + ' px wide', ...out.slice(0, 12)];
    })()`);
    await page.screenshot({ path: `${SHOTS_DIR}/whatsapp-chat-phone.png` });
    assert.deepEqual(wide, ['375 px wide']);
    await page.setViewportSize(VIEWPORT);
    assert.deepEqual(sales.errors, []);
  });

  it('a template with an image header asks for the image; the upload goes as the header', async () => {
    const { page } = sales;
    const from = '15557650002';
    const d = waMessageDelivery(NUMBER.phoneNumberId, from, 'Any new arrivals?', {
      name: 'Tomás Ortega',
      timestamp: Math.floor(Date.now() / 1000) - 30 * 3600,
    });
    assert.equal((await postWebhook(hook, d.body, NUMBER.appSecret)).status, 200);
    const offer = page.getByTestId('offer-card');
    await offer.getByText('Any new arrivals?').waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();
    const chat = page.getByTestId('chat');
    await chat.getByText('Any new arrivals?').waitFor();
    const composer = chat.getByTestId('template-composer');
    await composer.locator('[data-name="new_arrivals"] input').check();
    const header = composer.getByTestId('template-header');
    await header.getByText('Header image').waitFor();
    const preview = composer.getByTestId('template-preview');
    await preview.getByText('No image yet').waitFor();
    const send = composer.getByTestId('send-template');
    await composer.getByText('Fill the header image to send.').waitFor();
    assert.equal(await send.isDisabled(), true, 'not without its image');
    await header.getByTestId('template-header-file').setInputFiles({
      name: 'spring.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await header.getByTestId('template-header-file-name').getByText('spring.png').waitFor();
    await preview.locator('img[alt="spring.png"]').waitFor();
    await composer.getByTestId('template-var-body-1').fill('Tomás');
    await preview.getByText('Hi Tomás, the new collection is in.').waitFor();
    await composer.screenshot({ path: `${SHOTS_DIR}/whatsapp-template-image-header.png` });
    await send.click();

    const sent = await until(
      () => graph.sent.find((s: GraphSent) => s.to === from),
      'the template at the Graph API',
    );
    const template = sent.raw.template as {
      name: string;
      components: { type: string; parameters: { type: string; image?: { link: string } }[] }[];
    };
    assert.equal(template.name, 'new_arrivals');
    const [head, body] = template.components;
    assert.equal(head?.type, 'header');
    assert.equal(head?.parameters[0]?.type, 'image');
    assert.match(head?.parameters[0]?.image?.link ?? '', /\/api\/v1\/chat\/attachments\/.+\?exp=\d+&sig=/);
    assert.deepEqual(body, { type: 'body', parameters: [{ type: 'text', text: 'Tomás' }] });
    await chat.getByText('[Image: spring.png]', { exact: false }).waitFor();
    assert.deepEqual(sales.errors, []);
  });

  it('an admin syncs the templates after an approval, in Settings › Channels', async () => {
    admin = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/settings/channels');
    const { page } = admin;
    const row = page.getByTestId('connection-row');
    await row.getByTestId('template-count').getByText('4 approved of 5', { exact: false }).waitFor();
    graph.templates.push({
      name: 'delivery_window',
      language: 'es_ES',
      status: 'APPROVED',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hola {{1}}, llegamos entre las {{2}}.' }],
    });
    await row.getByRole('button', { name: 'Sync templates of Store WhatsApp' }).click();
    await row.getByTestId('template-count').getByText('5 approved of 6', { exact: false }).waitFor();
    await row.screenshot({ path: `${SHOTS_DIR}/whatsapp-templates-sync.png` });
    assert.deepEqual(admin.errors, []);
  });

  it('an admin composes a campaign that sends a template, its variables bound to the contact', async () => {
    const { page } = admin;
    await page.goto(`${srv.url}/console/campaigns/new`);
    await page.getByTestId('campaign-form').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Shipped on WhatsApp');
    await page.getByTestId('condition-builder').getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').selectOption('page.section');
    await page.getByLabel('Condition 1 operator').selectOption('contains');
    await page.getByLabel('Condition 1 value').fill('orders');
    await page.getByRole('radio', { name: /Message \(e-mail, app/ }).check();
    await page.getByLabel('Subject').fill('Order shipped');
    await page.getByLabel('Channel').selectOption('whatsapp');
    await page.getByTestId('message-audience').getByText('opted in to WhatsApp', { exact: false }).waitFor();
    assert.equal(await page.getByLabel('Message', { exact: true }).count(), 0, 'the template is the message');
    // The only WhatsApp connection is chosen; its approved templates are offered.
    await page.getByTestId('campaign-template').selectOption('order_update:en_US');
    const header = page.getByTestId('binding-header-1');
    await header.getByLabel('Header {{1}}: value from').selectOption('attribute');
    await header.getByLabel('Header {{1}}: attribute').fill('order');
    await header.getByLabel('Header {{1}}: fallback').fill('update');
    const name = page.getByTestId('binding-body-1');
    await name.getByLabel('Body {{1}}: value from').selectOption('name');
    await name.getByLabel('Body {{1}}: fallback').fill('there');
    await page.getByTestId('binding-body-2').getByLabel('Body {{2}}: text').fill('from our shop');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByText('Give body {{3}} a value (or a fallback).').waitFor();
    await page.getByTestId('binding-body-3').getByLabel('Body {{3}}: text').fill('this week');
    const preview = page.getByTestId('engagement-preview');
    await preview
      .getByText('Hi [name], your order from our shop has shipped and arrives this week.', { exact: false })
      .waitFor();
    await page.locator('#engagement').screenshot({ path: `${SHOTS_DIR}whatsapp-campaign-template.png` });
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByTestId('campaign-notice').getByText('Created “Shipped on WhatsApp”').waitFor();
    await page.getByTestId('campaign-row').getByText('Message · WhatsApp template').waitFor();
    const stored = (await srv.node.ctx.store.campaigns.list(srv.demo!.accountId)).find(
      (c) => c.name === 'Shipped on WhatsApp',
    );
    const [conn] = await srv.node.ctx.store.channelConnections.list(srv.demo!.accountId);
    assert.deepEqual(stored?.engagement, {
      type: 'message',
      subject: 'Order shipped',
      text: 'WhatsApp template order_update',
      channel: 'whatsapp',
      connectionId: conn!.id,
      template: {
        name: 'order_update',
        language: 'en_US',
        values: {
          header: { '1': { contact: 'attributes.order', fallback: 'update' } },
          body: {
            '1': { contact: 'name', fallback: 'there' },
            '2': { text: 'from our shop' },
            '3': { text: 'this week' },
          },
        },
      },
    });
    assert.deepEqual(admin.errors, []);
  });

  it("the contact page shows the WhatsApp opt-in the customer's message recorded, and an admin records SMS", async () => {
    const { page } = admin;
    await page.goto(`${srv.url}/console/contacts/${contactId}`);
    const panel = page.getByTestId('contact-consents');
    const wa = panel.getByTestId('consent-whatsapp');
    await wa.getByText('Opted in', { exact: true }).waitFor();
    await wa.getByText('Wrote to you first ·', { exact: false }).waitFor();
    const sms = panel.getByTestId('consent-sms');
    await sms.getByText('Not opted in').waitFor();
    await sms.getByRole('button', { name: 'Record opt-in' }).click();
    await sms.getByLabel('Where the SMS opt-in was given').fill('Checkout form');
    await sms.getByLabel('Where the SMS opt-in was given').press('Enter');
    await sms.getByText('Recorded in Beckon (Checkout form)', { exact: false }).waitFor();
    await panel.screenshot({ path: `${SHOTS_DIR}/contact-consents.png` });
    const stored = await srv.node.ctx.store.consents.list(srv.demo!.accountId, contactId);
    assert.deepEqual(
      stored.map((c) => [c.channel, c.source, c.detail]),
      [
        ['sms', 'console', 'Checkout form'],
        ['whatsapp', 'customer_message', null],
      ],
    );
    assert.deepEqual(admin.errors, []);
  });
});
