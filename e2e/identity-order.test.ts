import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { Browser, Page } from 'playwright-core';
import { userHashOf } from '../packages/server/src/channels/identity.ts';
import { CHAT_TOKEN_HEADER, SITE_KEY_HEADER } from '../packages/server/src/conversations/visitor-token.ts';
import { CHAT_WITH_US } from '../packages/server/src/engagement/demo-campaigns.ts';
import { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { connectAgent, eventually } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import {
  bubbles,
  demoAdmin,
  type FrameLog,
  invitedChat,
  recordFrames,
  until,
} from './helpers/tag-fixtures.ts';

interface User {
  userId: string;
  email: string;
  name: string;
}
const ANA: User = { userId: 'u-701', email: 'ana.ruiz@example.com', name: 'Ana Ruiz' };
const BEN: User = { userId: 'u-702', email: 'ben.okafor@example.com', name: 'Ben Okafor' };
const CY: User = { userId: 'u-703', email: 'cy.lund@example.com', name: 'Cy Lund' };

/** One browser profile (a device): its own storage, so its own tag visitor id. */
interface Device {
  page: Page;
  log: FrameLog;
  visitorId: string;
  warnings: string[];
  goto(path: string): Promise<void>;
  close(): Promise<void>;
}

describe('identity in either order: a signed-in user’s chat is theirs on every device, and only theirs', () => {
  let srv: TestServer;
  let browser: Browser;
  let admin: ApiClient;
  let sales: AgentChatClient;
  let secret: string;
  const store = () => srv.node.ctx.store;
  const accountId = () => srv.demo!.accountId;
  const siteId = () => srv.demo!.siteId;

  before(async () => {
    ensureTagBuilt();
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
    admin = await demoAdmin(srv);
    // The demo's chat button would take the launcher's place: the chats here start from invitations.
    const campaigns: { id: string; name: string }[] = (await admin.get('/api/v1/campaigns')).body.items;
    const button = campaigns.find((c) => c.name === CHAT_WITH_US)!;
    await admin.patch(`/api/v1/campaigns/${button.id}`, { status: 'paused' });
    secret = (await admin.get(`/api/v1/sites/${siteId()}/identity`)).body.secret as string;
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await sales?.disconnect();
    await browser?.close();
    await srv?.close();
  });

  async function device(path = '/demo/product-lamp'): Promise<Device> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const log = recordFrames(page);
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    const goto = async (to: string) => {
      const welcomes = log.received.filter((f) => f.type === 'welcome').length;
      await page.goto(`${srv.url}${to}`);
      await until(
        () => log.received.filter((f) => f.type === 'welcome').length > welcomes,
        'the tag’s welcome',
      );
    };
    await goto(path);
    const visitorId = log.sent.find((f) => f.type === 'hello' && f.visitorId).visitorId as string;
    return { page, log, visitorId, warnings, goto, close: () => context.close() };
  }

  /** The page signs its user in the way a site does: identify with the userHash its server made. */
  const identify = (page: Page, user: User, userHash = userHashOf(secret, user.userId)) =>
    page.evaluate(
      ([u, hash]) =>
        (globalThis as unknown as { beckon: { push(c: unknown[]): void } }).beckon.push([
          'identify',
          u,
          { userHash: hash },
        ]),
      [user, userHash] as const,
    );

  const contactOf = async (user: User) => {
    const found = await store().contacts.search(accountId(), user.email, 5);
    return found.find((c) => c.externalId === user.userId);
  };
  const linkedTo = (d: Device) => store().contacts.ofVisitor(accountId(), siteId(), d.visitorId);

  /** The visitor writes in the widget; resolves once the agent has it. */
  const write = async (d: Device, conversationId: string, text: string) => {
    const box = d.page.locator('beckon-widget').getByRole('textbox').first();
    await box.fill(text);
    await box.press('Enter');
    await sales.waitForMessage(conversationId, (m) => m.text === text);
  };

  const chatOn = (d: Device) =>
    invitedChat(d.page, admin, sales, {
      visitorId: d.visitorId,
      skillId: srv.demo!.skillIds.sales,
      message: 'Can I help you find something?',
    });

  /** A second device signs the same user in: the chat comes up behind the launcher, with what was said. */
  const pickedUp = async (user: User, text: string) => {
    const other = await device('/demo/');
    await identify(other.page, user);
    const launcher = other.page.locator('beckon-widget').getByRole('button', { name: /chat/i }).first();
    await launcher.click();
    await until(async () => (await bubbles(other.page)).some((b) => b.includes(text)), `“${text}”`);
    return other;
  };

  it('signed in before the chat: a later page’s chat is the contact’s, and a second device picks it up', async () => {
    const laptop = await device();
    await identify(laptop.page, ANA);
    const ana = await eventually(
      async () => {
        const c = await linkedTo(laptop);
        return c?.verified ? c : undefined;
      },
      5000,
      'the link',
    );
    assert.equal(ana!.externalId, ANA.userId);

    // A new page of the same visit: the chat starts there, and is Ana's from its first moment.
    await laptop.goto('/demo/products');
    const id = await chatOn(laptop);
    assert.equal((await store().conversations.get(accountId(), id)).contactId, ana!.id);
    await write(laptop, id, 'Is the oak lamp dimmable?');

    const phone = await pickedUp(ANA, 'Is the oak lamp dimmable?');
    await phone.page.screenshot({ path: `${SHOTS_DIR}identity-first-second-device.png` });
    // The agent's answer reaches both devices; the phone's own message reaches the agent.
    await sales.send(id, 'Yes, it has three brightness steps.');
    for (const d of [laptop, phone]) {
      await until(
        async () => (await bubbles(d.page)).some((b) => b.includes('three brightness')),
        'the answer',
      );
    }
    await write(phone, id, 'Great, thanks!');
    const contact = await store().contacts.get(accountId(), ana!.id);
    assert.equal(contact.verified, true);
    const mine = await store().conversations.ofContact(accountId(), ana!.id);
    assert.deepEqual(
      mine.map((c) => c.id),
      [id],
    );
    await sales.close(id);
    await phone.close();
    await laptop.close();
  });

  it('chat first, signed in after: the chat joins the contact, and a second device picks it up', async () => {
    const laptop = await device();
    const id = await chatOn(laptop);
    await write(laptop, id, 'Do you ship to Norway?');
    assert.equal((await store().conversations.get(accountId(), id)).contactId, null, 'anonymous so far');
    await identify(laptop.page, CY);
    const contactId = await eventually(
      async () => (await store().conversations.get(accountId(), id)).contactId,
      5000,
      'the chat to join the signed-in user',
    );
    assert.equal((await store().contacts.get(accountId(), contactId)).externalId, CY.userId);
    const phone = await pickedUp(CY, 'Do you ship to Norway?');
    await sales.close(id);
    await phone.close();
    await laptop.close();
  });

  it('a wrong userHash links nothing, and says so on the page', async () => {
    const d = await device();
    await identify(d.page, BEN, userHashOf('not the site secret', BEN.userId));
    await until(
      () => d.warnings.find((w) => w.includes('identity_unverified')),
      'the identity_unverified warning',
    );
    const id = await chatOn(d);
    assert.equal((await store().conversations.get(accountId(), id)).contactId, null);
    assert.equal(await linkedTo(d), undefined);
    assert.equal(await contactOf(BEN), undefined, 'no contact was made');
    await sales.close(id);
    await d.close();
  });

  it('one browser, two users in turn: the second never sees the first one’s chat', async () => {
    const shared = await device();
    await identify(shared.page, ANA);
    await eventually(async () => (await linkedTo(shared))?.externalId === ANA.userId, 5000, 'Ana’s link');
    const anasChat = await chatOn(shared);
    await write(shared, anasChat, 'My order number is 4711.');
    const kept = () => shared.page.evaluate<string>("localStorage.getItem('beckon.chat') ?? ''");
    const anasToken = /ct_\w+/.exec(await kept())?.[0];
    assert.ok(anasToken, 'the chat is kept in the browser for the next page');

    // Ana signs out, Ben signs in: the next page identifies Ben.
    await shared.goto('/demo/');
    await identify(shared.page, BEN);
    await until(async () => !(await kept()).includes(anasToken), 'Ana’s chat to leave the browser');
    assert.ok(!(await bubbles(shared.page)).some((b) => b.includes('4711')), 'Ben does not see it');
    await shared.page.screenshot({ path: `${SHOTS_DIR}identity-second-user.png` });
    // The token this browser held opens nothing any more; the chat stays Ana's.
    const read = await new ApiClient(srv.node.app).request('GET', '/api/v1/chat/messages', undefined, {
      [CHAT_TOKEN_HEADER]: anasToken,
    });
    assert.equal(read.status, 401);
    const ana = (await contactOf(ANA))!;
    assert.equal((await store().conversations.get(accountId(), anasChat)).contactId, ana.id);

    // Ben's own chat on this browser is his; Ana still has hers on her phone.
    const bensChat = await chatOn(shared);
    const ben = await eventually(() => contactOf(BEN), 5000, 'Ben’s contact');
    assert.equal((await store().conversations.get(accountId(), bensChat)).contactId, ben!.id);
    const phone = await pickedUp(ANA, 'My order number is 4711.');
    const identified = await new ApiClient(srv.node.app).request(
      'POST',
      '/api/v1/chat/identify',
      { userId: BEN.userId, userHash: userHashOf(secret, BEN.userId) },
      { [SITE_KEY_HEADER]: srv.demo!.siteKey },
    );
    assert.deepEqual(
      identified.body.conversations.map((c: { id: string }) => c.id),
      [bensChat],
      'Ben’s conversations hold only his own',
    );
    await sales.close(anasChat);
    await sales.close(bensChat);
    await phone.close();
    await shared.close();
  });
});
