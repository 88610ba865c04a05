import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, WebSocketRoute } from 'playwright-core';
import { startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { launchBrowser, SHOTS_DIR } from './helpers/browser.ts';
import { goOnline, signedInAs, until } from './helpers/workspace-fixtures.ts';

describe('agent workspace: a broken link, status changes made elsewhere, alerts', {
  timeout: 150_000,
}, () => {
  let srv: TestServer;
  let browser: Browser;
  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    // The full Chromium: the alerts test starts from a browser that asks before it notifies
    // (launchBrowser's `full`).
    [srv, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser([], { full: true })]);
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('shows "reconnecting", keeps what the agent sends, and delivers it once when the link is back', async () => {
    // The agent socket goes through a switch the test can open: cut, refused while down, back.
    let down = false;
    const open = new Set<WebSocketRoute>();
    const agent = await signedInAs(
      browser,
      srv,
      'sales@demo.beckon.local',
      '/console/conversations',
      (context) =>
        context.routeWebSocket(/\/v1\/agent$/, (ws) => {
          if (down) {
            ws.close({ code: 1001, reason: 'network down' });
            return;
          }
          ws.connectToServer();
          open.add(ws);
          ws.onClose(() => open.delete(ws));
        }),
    );
    const { page } = agent;
    await goOnline(page);
    const visitor = await startVisitor(srv, {
      name: 'Lee',
      text: 'Is anyone there?',
      skillId: srv.demo!.skillIds.sales,
    });
    try {
      await page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
      const chat = page.getByTestId('chat');
      await chat.getByText('Is anyone there?').waitFor();

      // The link drops.
      down = true;
      for (const ws of open) await ws.close({ code: 1001, reason: 'network down' });
      await page.getByTestId('reconnecting').waitFor();
      await page.getByTestId('connection-state').getByText('Reconnecting…').waitFor();

      // The agent keeps writing; the visitor too.
      await page.getByTestId('composer-input').fill('Yes, I am here: sent while offline');
      await page.getByTestId('composer-input').press('Enter');
      await chat.getByTestId('pending-message').getByText('Sending…').waitFor();
      await visitor.send('Hello? Still there?');
      await page.screenshot({ path: `${SHOTS_DIR}workspace-reconnecting.png` });

      // The link comes back: the message goes out once, and what the visitor wrote meanwhile arrives.
      down = false;
      await page.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 20_000 });
      await chat.getByText('Hello? Still there?').waitFor();
      await visitor.waitForMessage((m) => m.text === 'Yes, I am here: sent while offline', 10_000);
      await chat.getByTestId('pending-message').waitFor({ state: 'detached' });
      await page.waitForTimeout(500);
      assert.equal(visitor.messages.filter((m) => m.text === 'Yes, I am here: sent while offline').length, 1);
      assert.equal(await chat.getByText('Yes, I am here: sent while offline').count(), 1, 'shown once');
      assert.equal(await chat.getByText('Is anyone there?').count(), 1, 'history not repeated');
      const stored = await until(async () => {
        const rows = await srv.node.ctx.store.messages.after(srv.demo!.accountId, visitor.conversation.id, 0);
        return rows.length > 0 ? rows : null;
      }, 'the messages');
      assert.equal(
        stored.filter((m) => m.text === 'Yes, I am here: sent while offline').length,
        1,
        'stored once',
      );
      assert.deepEqual(agent.errors, []);
    } finally {
      await visitor.close();
      await agent.context.close();
    }
  });

  it('waits out a "too many requests" close (4429), saying so with a countdown, instead of retrying at once', async () => {
    const attempts: WebSocketRoute[] = [];
    const agent = await signedInAs(
      browser,
      srv,
      'support@demo.beckon.local',
      '/console/conversations',
      (context) =>
        context.routeWebSocket(/\/v1\/agent$/, (ws) => {
          attempts.push(ws);
          ws.connectToServer();
        }),
    );
    const { page } = agent;
    try {
      await page.getByTestId('workspace').getByTestId('inbox').waitFor();
      assert.equal(attempts.length, 1);
      await attempts[0]!.close({ code: 4429, reason: 'too many frames; try again later' });
      const pill = page.getByTestId('connection-state');
      await pill.getByText(/^Too many requests — reconnecting in [1-3]?\d s$/).waitFor();
      const before = Number(/in (\d+) s/.exec((await pill.textContent()) ?? '')?.[1]);
      assert.ok(before >= 9 && before <= 30, `a pause of 10–30 s: ${before} s`);
      await page
        .getByTestId('reconnecting')
        .getByText(/^Too many requests — reconnecting in \d+ s\./)
        .waitFor();
      await page.screenshot({ path: `${SHOTS_DIR}workspace-rate-limited.png` });
      // The count goes down, and the console does not knock again meanwhile — not even on "online".
      await page.evaluate("window.dispatchEvent(new Event('online'))");
      await page.waitForTimeout(2100);
      const later = Number(/in (\d+) s/.exec((await pill.textContent()) ?? '')?.[1]);
      assert.ok(later < before, `counting down: ${before} s, then ${later} s`);
      // Screen readers hear the live region once: the ticking count is hidden from them.
      const heard = (await pill.ariaSnapshot()) + (await page.getByTestId('reconnecting').ariaSnapshot());
      assert.doesNotMatch(heard, /reconnecting in \d/);
      assert.match(heard, /Too many requests — reconnecting shortly/);
      assert.equal(attempts.length, 1, 'no reconnect before the pause is over');
      assert.deepEqual(agent.errors, []);
    } finally {
      await agent.context.close();
    }
  });

  it('follows status changes made by the server: set away after missed offers, with a notice', async () => {
    const { store } = srv.node.ctx;
    const accountId = srv.demo!.accountId;
    await store.skills.update(accountId, srv.demo!.skillIds.support, { offerTimeoutSeconds: 1 });
    const agent = await signedInAs(browser, srv, 'support@demo.beckon.local');
    const { page } = agent;
    const visitors = [];
    try {
      await goOnline(page);
      // Nobody answers the offer. With nobody else to take it the chat comes back to the same agent
      // (not stranded in the queue); the second miss in a row sets the agent away, and says so.
      visitors.push(
        await startVisitor(srv, { name: 'First', text: 'Hello?', skillId: srv.demo!.skillIds.support }),
      );
      // Each offer lasts a second: a loaded machine once drew neither card before it was revoked,
      // so the test waits for what stays (the status and the notice), not for the cards.
      await page.locator('[data-testid="status-switch"][data-status="away"]').waitFor();
      const notice = page.getByTestId('notice').filter({ hasText: 'after missing 2 chat offers' });
      await notice.waitFor();
      await page.screenshot({ path: `${SHOTS_DIR}workspace-set-away.png` });
      await notice.getByRole('button', { name: 'Go online' }).click();
      await page.locator('[data-testid="status-switch"][data-status="online"]').waitFor();

      // An admin changes the agent's status from Settings › Team (REST): the switch follows.
      const user = await store.users.findForLogin('support@demo.beckon.local');
      const admin = await signedInAs(browser, srv, 'admin@demo.beckon.local', '/console/settings/team');
      const status = await admin.page.evaluate(async (id) => {
        const me = (await (await fetch('/api/v1/me')).json()) as { csrfToken: string };
        const res = await fetch(`/api/v1/users/${id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify({ status: 'away' }),
        });
        return res.status;
      }, user!.user.id);
      assert.equal(status, 200);
      await page.locator('[data-testid="status-switch"][data-status="away"]').waitFor();
      await admin.context.close();
      assert.deepEqual(agent.errors, []);
    } finally {
      for (const v of visitors) await v.close();
      await agent.context.close();
    }
  });

  it('asks before notifying, then announces an offer in the background with a notification and a sound', async () => {
    // The browser APIs the workspace uses still run; the test only watches them and reports the tab unfocused.
    const agent = await signedInAs(
      browser,
      srv,
      'sales@demo.beckon.local',
      '/console/conversations',
      (context) => context.addInitScript({ content: SPY_ON_ALERTS }),
    );
    const { page } = agent;
    const visitors = [];
    try {
      const ask = page.getByTestId('notify-ask');
      await ask.getByText('Get a desktop notification for new chats').waitFor();
      await agent.context.grantPermissions(['notifications'], { origin: srv.url }); // the person says yes
      // Any render after the grant may already read it and put the note in the ask's place.
      await ask
        .getByRole('button', { name: 'Turn on' })
        .click({ timeout: 3000 })
        .catch(() => undefined);
      await page.getByText('Desktop notifications on').waitFor();
      await goOnline(page);
      await page.evaluate('window.__background = true');
      visitors.push(
        await startVisitor(srv, { name: 'Ines', topic: 'Sizes', skillId: srv.demo!.skillIds.sales }),
      );
      await page.getByTestId('offer-card').waitFor();
      const shown = await until(
        () => page.evaluate<string>('window.__shown.join("|")'),
        'a desktop notification',
      );
      assert.match(shown, /New chat offer: Ines · Sizes wants to chat/);
      const tones = await page.evaluate<number>('window.__tones');
      assert.ok(tones >= 2, `the offer chime played (${tones} tones)`);
      // Then the sound rests: a running context would render silence for as long as the tab is open.
      await until(
        () => page.evaluate<boolean>('window.__audio.state === "suspended"'),
        'the chime’s audio suspended after it played',
      );
      assert.deepEqual(agent.errors, []);
    } finally {
      for (const v of visitors) await v.close();
      await agent.context.close();
    }
  });
});

/** Records desktop notifications and synthesised tones, and lets a test report the tab as unfocused. */
const SPY_ON_ALERTS = `
  window.__shown = [];
  window.__tones = 0;
  const Real = window.Notification;
  function Spy(title, options) {
    window.__shown.push(title + ': ' + ((options && options.body) || ''));
    return new Real(title, options);
  }
  Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
  Spy.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Spy;
  const oscillator = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () {
    window.__tones++;
    window.__audio = this;
    return oscillator.call(this);
  };
  document.hasFocus = () => window.__background !== true;
`;
