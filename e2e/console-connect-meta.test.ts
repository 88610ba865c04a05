import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { OUTBOX_TEST_ENV } from '../packages/server/test/channel-contract.ts';
import { postWebhook } from '../packages/server/test/helpers/graph-api-server.ts';
import {
  customerMessage,
  messagingDelivery,
  startPageGraphApi,
} from '../packages/server/test/helpers/messenger-graph-server.ts';
import { JPEG, PDF } from '../packages/server/test/helpers/sample-files.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, goOnline, signedInAs, until } from './helpers/workspace-fixtures.ts';

const PAGE = { pageId: '104623452347771', pageAccessToken: 'EAAPage-console-token' };
const IG = { id: '17841400008460056', username: 'demostore' };
const APP_SECRET = 'console-page-secret';

describe('Connecting Instagram from Settings › Channels in Chromium', () => {
  let graph: Awaited<ReturnType<typeof startPageGraphApi>>;
  let srv: TestServer;
  let browser: Browser;
  let admin: ConsolePage;

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    graph = await startPageGraphApi({ ...PAGE, pageName: 'Demo Store', instagram: IG });
    [srv, browser] = await Promise.all([
      startTestServer({ demo: true, env: OUTBOX_TEST_ENV }),
      launchBrowser(),
    ]);
  });
  after(async () => {
    await admin?.context.close();
    await browser?.close();
    await srv?.close();
    await graph?.close();
  });

  it('an admin connects an Instagram account, gets the webhook URL and verify token, and tests it', async () => {
    admin = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/settings/channels');
    const { page } = admin;
    const section = page.getByTestId('connections');
    await section.getByRole('button', { name: 'Connect a channel' }).click();
    const dialog = page.getByTestId('connect-dialog');
    await dialog.getByTestId('connect-instagram').focus();
    await page.keyboard.press('Enter');
    await dialog.getByRole('heading', { name: 'Connect Instagram' }).waitFor();

    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await dialog.getByText('Enter the page id', { exact: false }).waitFor();
    await dialog.getByText('Enter the Instagram account id', { exact: false }).waitFor();
    assert.equal(await dialog.getByLabel('Instagram account id').getAttribute('aria-invalid'), 'true');

    await dialog.getByLabel('Page id').fill(PAGE.pageId);
    await dialog.getByLabel('Instagram account id').fill(IG.id);
    await dialog.getByLabel('Page access token').fill(PAGE.pageAccessToken);
    await dialog.getByLabel('App secret').fill(APP_SECRET);
    await dialog.getByText('Advanced').click();
    await dialog.getByLabel('API base URL').fill(graph.url);
    await dialog.screenshot({ path: `${SHOTS_DIR}/connect-instagram-form.png` });
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();

    await dialog.getByRole('heading', { name: 'Instagram is connected' }).waitFor();
    const webhookUrl = (await dialog.getByTestId('connect-webhook-url').textContent()) ?? '';
    const verifyToken = (await dialog.getByTestId('connect-verify-token').textContent()) ?? '';
    const [stored] = await srv.node.ctx.store.channelConnections.list(srv.demo!.accountId);
    assert.equal(webhookUrl, `${srv.url}/hooks/instagram/${stored!.id}`);
    await dialog.getByText('instagram_manage_messages', { exact: false }).count();
    const handshake = await fetch(
      `${webhookUrl}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=77`,
    );
    assert.equal(await handshake.text(), '77');

    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await dialog.getByTestId('connection-test-result').getByText('@demostore (Demo Store)').waitFor();
    await dialog.screenshot({ path: `${SHOTS_DIR}/connect-instagram-done.png` });
    await dialog.getByRole('button', { name: 'Done' }).click();
    await section.getByTestId('connection-row').getByText('Instagram').first().waitFor();

    // A direct message sent to the account arrives as an Instagram conversation.
    const c = customerMessage('6300000000000042', { text: 'Is the linen shirt back in stock?' });
    const res = await postWebhook(webhookUrl, messagingDelivery('instagram', IG.id, c.event), APP_SECRET);
    assert.equal(res.status, 200);
    const { items } = (await (
      await page.request.get(`${srv.url}/api/v1/conversations?channel=instagram`)
    ).json()) as { items: { channel: string }[] };
    assert.equal(items.length, 1);
    assert.equal(items[0]!.channel, 'instagram');
    assert.deepEqual(admin.errors, []);
  });

  it("an Instagram message with a photo and a PDF shows them in the agent's chat, and the reply goes as a RESPONSE", async () => {
    const sales = await signedInAs(browser, srv, 'sales@demo.beckon.local');
    const { page } = sales;
    await goOnline(page);
    const [conn] = await srv.node.ctx.store.channelConnections.list(srv.demo!.accountId);
    const photo = graph.media.add({ bytes: JPEG, contentType: 'image/jpeg' }, 'fitting-room.jpg');
    const pdf = graph.media.add({ bytes: PDF, contentType: 'application/pdf' }, 'order-5521.pdf');
    const from = '6300000000000077';
    graph.profile(from, { name: 'Amara Okafor', username: 'amara.o' });
    const c = customerMessage(from, {
      text: 'Does this fit like the photo? Order attached.',
      attachments: [
        { type: 'image', payload: { url: graph.cdnUrl(photo) } },
        { type: 'file', payload: { url: graph.cdnUrl(pdf) } },
      ],
    });
    const hook = `${srv.url}/hooks/instagram/${conn!.id}`;
    assert.equal(
      (await postWebhook(hook, messagingDelivery('instagram', IG.id, c.event), APP_SECRET)).status,
      200,
    );

    const offer = page.getByTestId('offer-card').filter({ hasText: 'Does this fit like the photo?' });
    await offer.waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();
    const chat = page.getByTestId('chat');
    await chat.getByTestId('chat-name').getByText('Amara Okafor').waitFor();
    await chat.getByTestId('channel-badge').getByText('Instagram').waitFor();
    await chat.getByRole('img', { name: 'fitting-room.jpg' }).waitFor();
    await chat.getByTestId('attachment-chip').getByText('order-5521.pdf').waitFor();

    const input = page.getByTestId('composer-input');
    await input.fill('It runs a little large: take one size down.');
    await input.press('Enter');
    const sent = await until(() => graph.sent.find((s) => s.recipient === from), 'the reply at the Send API');
    assert.equal(sent.messagingType, 'RESPONSE');
    assert.equal(sent.text, 'It runs a little large: take one size down.');
    await page.screenshot({ path: `${SHOTS_DIR}/connect-instagram-chat.png` });
    assert.deepEqual(sales.errors, []);
    await sales.context.close();
  });
});
