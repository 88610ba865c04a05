import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { Browser } from 'playwright-core';
import { ApiClient } from '../packages/server/test/helpers/api-client.ts';
import { ChatCompletionsServer } from '../packages/server/test/helpers/chat-completions-server.ts';
import { cookieFor, startVisitor } from '../packages/server/test/helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { report, seriousViolations } from './helpers/axe.ts';
import { launchBrowser, orReport, SHOTS_DIR } from './helpers/browser.ts';
import { type ConsolePage, goAway, goOnline, signedInAs, until } from './helpers/workspace-fixtures.ts';

const SUPPORT = 'support@demo.beckon.local';
const SALES = 'sales@demo.beckon.local';
const ARTICLE =
  'You can return any item within 30 days of delivery for a full refund. Print the prepaid label from Your orders.';
const MODEL_REPLY =
  'Sorry to hear that! You can return it within 30 days for a full refund; I will e-mail you a prepaid label.';
const MODEL_SUMMARY = 'The customer wants to return a jacket for a refund; a prepaid label was promised.';

// Agent assist in the console, against a local OpenAI-compatible server: suggestions above the
// composer (search and the model's, streamed), Alt+1 to insert one, what the agent did counted
// for the agents report, and the summary for the next agent after a transfer and in History.
describe('agent assist in the console (Chromium)', { timeout: 240_000 }, () => {
  let srv: TestServer;
  let browser: Browser;
  let llm: ChatCompletionsServer;
  let support: ConsolePage;
  let sales: ConsolePage;
  let visitor: VisitorChatClient;
  let id: string;
  let supportUserId = '';
  const supportId = () => supportUserId;
  const shot = (p: ConsolePage, name: string) =>
    p.page.screenshot({ path: `${SHOTS_DIR}assist-${name}.png` });
  /** The REST API as a user of the demo account. */
  const api = async (email: string, method: string, path: string, body?: unknown) => {
    const client = new ApiClient(srv.node.app);
    Object.assign(client, await cookieFor(srv, email));
    return client.request(method, path, body);
  };
  const usage = async (agentId: string, source: string) => {
    const r = await api(DEMO_ADMIN.email, 'GET', '/api/v1/assist/usage');
    return (r.body.items as Record<string, unknown>[]).find(
      (u) => u.agentId === agentId && u.source === source,
    );
  };

  /** Waits until the knowledge base's suggestions for `lines` customer lines were counted shown. */
  const shownCount = (lines: number) =>
    until(
      async () => Number((await usage(supportId(), 'knowledge'))?.shown) >= lines,
      `the knowledge suggestions of ${lines} lines shown`,
      20_000,
    );

  before(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    [srv, browser, llm] = await Promise.all([
      startTestServer({ demo: true, env: { BECKON_RATE_AGENT_FRAME: '0' } }),
      launchBrowser(),
      ChatCompletionsServer.start(),
    ]);
    const accountId = srv.demo!.accountId;
    supportUserId = (await cookieFor(srv, SUPPORT)).userId;
    await srv.node.ctx.store.knowledge.create(accountId, {
      title: 'Returns and refunds',
      body: ARTICLE,
      tags: ['returns', 'refund'],
    });
    const on = await api(DEMO_ADMIN.email, 'PUT', '/api/v1/assist', {
      enabled: true,
      baseUrl: llm.baseUrl,
      model: 'local-7b',
      // The stand-in answers at once; at a load of 10 its answer took more than 5 s to arrive once,
      // and the summary was written without it.
      timeoutSeconds: 20,
    });
    assert.equal(on.status, 200, JSON.stringify(on.body));
  });
  after(async () => {
    await visitor?.close().catch(() => {});
    await browser?.close();
    await llm?.close();
    await srv?.close();
  });

  it('shows search suggestions and the model’s streaming in; Alt+1 inserts one, edited before sending', async () => {
    support = await signedInAs(browser, srv, SUPPORT);
    const { page } = support;
    await goOnline(page);
    visitor = await startVisitor(srv, {
      name: 'Ada Lovelace',
      text: 'Hi',
      skillId: srv.demo!.skillIds.support,
    });
    id = visitor.conversation!.id;
    await page.getByTestId('offer-card').getByRole('button', { name: 'Accept' }).click();
    const input = page.getByTestId('composer-input');
    await input.waitFor();

    // The model streams slowly enough to be seen writing.
    llm.behaviour = { kind: 'answer', content: MODEL_REPLY, gapMs: 150 };
    await visitor.send('My jacket is too small. How do I return an item for a refund?');
    const panel = page.getByTestId('assist-suggestions');
    const knowledge = panel.locator('[data-testid="assist-suggestion"][data-source="knowledge"]');
    await knowledge.waitFor();
    assert.match((await knowledge.textContent()) ?? '', /return any item within 30 days/);
    assert.equal(await knowledge.locator('.assist-source').textContent(), 'Knowledge base');
    const writing = page.getByTestId('assist-model-writing');
    await writing.getByText(/Sorry to hear that!/).waitFor();
    await shot(support, 'model-writing');
    const model = panel.locator('[data-testid="assist-suggestion"][data-source="model"]');
    await model.waitFor({ timeout: 15_000 });
    assert.equal(await model.getAttribute('title'), MODEL_REPLY);
    assert.equal(await writing.count(), 0, 'the streamed draft became a suggestion');
    await shot(support, 'suggestions');
    const findings = await seriousViolations(page, 'document.querySelector(\'[data-testid="composer"]\')');
    assert.deepEqual(report('suggestions', findings), [], 'axe finds nothing serious in the suggestions');
    assert.equal(await input.inputValue(), '', 'nothing is put in without the agent');
    const shown = await until(() => usage(supportId(), 'knowledge'), 'shown counted');
    assert.ok(Number(shown.shown) >= 1);

    // Alt+1 puts the first suggestion in to edit; the agent adds a line and sends.
    const firstItem = panel.getByTestId('assist-suggestion').first();
    const first = (await firstItem.getAttribute('title')) ?? '';
    const source = (await firstItem.getAttribute('data-source')) ?? '';
    await input.focus();
    await input.press('Alt+1');
    assert.equal(await input.inputValue(), first);
    await input.press('End');
    await input.pressSequentially(' Anything else?');
    await input.press('Enter');
    const sent = await visitor.waitForMessage((m) => m.senderKind === 'agent', 10_000);
    assert.equal(sent.text, `${first} Anything else?`, 'sent only when the agent pressed Enter');
    await panel.waitFor({ state: 'detached' });
    const counted = await until(async () => {
      const u = await usage(supportId(), source);
      return u && Number(u.edited) === 1 ? u : null;
    }, 'the edited suggestion counted');
    assert.equal(counted.used, 0);
    const other = await until(async () => {
      const u = await usage(supportId(), 'model');
      return u && Number(u.ignored) >= 1 ? u : null;
    }, 'the suggestion not taken counted as ignored');
    assert.ok(other);
  });

  it('keeps a card number in the chat away from the model: the agent sees it masked, the model never', async () => {
    const { page } = support;
    llm.behaviour = { kind: 'answer', content: 'I can refund it to the card you paid with.' };
    const before = llm.received.length;
    await visitor.send('Can you refund it to my card 4242 4242 4242 4242 instead?');
    await page.getByTestId('message-list').getByText('•••• 4242').waitFor();
    // The suggestion writer's request for this line has reached the model.
    const asked = await until(
      () =>
        llm.received
          .slice(before)
          .find((r) => r.body.messages.some((m) => m.content.includes('refund it to my card'))),
      'the model asked about the card line',
    );
    for (const r of llm.received) {
      const text = JSON.stringify(r.body).replace(/[\s-]/g, '');
      assert.ok(!text.includes('4242424242424242'), 'no card number reaches the model');
    }
    assert.ok(asked);
    // The agent saw this line's suggestions before the next line came (the report counts them).
    await shownCount(2);
  });

  it('says quietly why the model’s suggestion is missing; the search suggestions still show', async () => {
    const { page } = support;
    llm.behaviour = { kind: 'status', status: 503 };
    await visitor.send('How long do I have to return the jacket for a refund?');
    const state = page.getByTestId('assist-model-state');
    await state.waitFor();
    assert.equal(await state.getAttribute('data-state'), 'down');
    assert.equal(await state.textContent(), 'No model suggestion: the model server cannot be reached.');
    await page.locator('[data-testid="assist-suggestion"][data-source="knowledge"]').waitFor();
    await shownCount(3);
    assert.equal(await page.getByTestId('notice').count(), 0, 'no error notice');
    // The suggestions take room from the messages; the customer's latest line stays in view.
    const line = page.getByTestId('message-list').getByText('How long do I have to return the jacket');
    await until(async () => {
      const [box, list] = [await line.boundingBox(), await page.getByTestId('message-list').boundingBox()];
      return box && list && box.y + box.height <= list.y + list.height + 1;
    }, 'the latest line in view');
    await shot(support, 'model-down');

    // In German: the sources, the keys and the reason in the agent's language.
    await page.getByTestId('language-select').selectOption('de');
    await state.getByText('Kein Vorschlag vom Modell: Der Modellserver ist nicht erreichbar.').waitFor();
    await page.getByTestId('assist-suggestions').getByText('Antwortvorschläge').waitFor();
    await page.locator('[data-source="knowledge"] .assist-source').getByText('Wissensdatenbank').waitFor();
    await shot(support, 'model-down-de');
  });

  it('shows the summary to the next agent after a transfer; they edit it; History shows it', async () => {
    sales = await signedInAs(browser, srv, SALES);
    await goOnline(sales.page);
    llm.behaviour = { kind: 'answer', content: MODEL_SUMMARY };
    const moved = await api(SUPPORT, 'POST', `/api/v1/conversations/${id}/transfer`, {
      agentId: (await cookieFor(srv, SALES)).userId,
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const { page } = sales;
    await page.getByTestId('inbox-chat').filter({ hasText: 'Ada Lovelace' }).first().click();
    const card = page.getByTestId('assist-summary');
    const asked = Date.now();
    // What the agent saw, what the server kept and what the model was asked: a failure says which fell short.
    await orReport(card.getByText(MODEL_SUMMARY).waitFor({ timeout: 40_000 }), async () => {
      const shown = await card.textContent({ timeout: 1000 }).catch(() => '(no card)');
      const kept = await api(SALES, 'GET', `/api/v1/conversations/${id}/summary`);
      const toModel = llm.received.filter((r) => JSON.stringify(r.body).includes('Summarise')).length;
      return `card after ${Date.now() - asked} ms: ${shown}\nserver: ${kept.status} ${JSON.stringify(kept.body)}\nsummary requests to the model: ${toModel}`;
    });
    assert.equal(await card.getByTestId('assist-summary-by').textContent(), 'written by the model');
    await shot(sales, 'summary');
    const findings = await seriousViolations(
      page,
      'document.querySelector(\'[data-testid="assist-summary"]\')',
    );
    assert.deepEqual(report('summary', findings), [], 'axe finds nothing serious in the summary');

    await card.getByTestId('assist-summary-edit').click();
    await card
      .getByTestId('assist-summary-input')
      .fill('Jacket too small: return for a refund, label promised. Asked how long returns take.');
    await card.getByTestId('assist-summary-save').click();
    await card.getByText('Asked how long returns take.', { exact: false }).waitFor();
    await card.getByText('written by the model, edited by Sales Agent').waitFor();
    const stored = await api(SALES, 'GET', `/api/v1/conversations/${id}/summary`);
    assert.match(stored.body.text, /Asked how long returns take\.$/);
    assert.equal(stored.body.source, 'model');

    // The close writes the summary again, from the whole conversation; History shows it, editable.
    llm.behaviour = { kind: 'answer', content: `${MODEL_SUMMARY} Closed after the transfer.` };
    const closed = await api(SALES, 'POST', `/api/v1/conversations/${id}/close`, {});
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    await until(async () => {
      const r = await api(SALES, 'GET', `/api/v1/conversations/${id}/summary`);
      return /Closed after the transfer\.$/.test(r.body.text ?? '');
    }, 'the summary written at the close');
    await page.goto(`${srv.url}/console/conversations/history/${id}`);
    const inHistory = page.getByTestId('assist-summary');
    await inHistory.getByText('Closed after the transfer.', { exact: false }).waitFor();
    await inHistory.getByTestId('assist-summary-edit').click();
    await inHistory.getByTestId('assist-summary-input').fill('Jacket returned for a refund.');
    await inHistory.getByTestId('assist-summary-save').click();
    await inHistory.getByText('Jacket returned for a refund.').waitFor();
    await shot(sales, 'summary-history');
  });

  it('counts a line’s suggestions once when the chat is opened before the line reaches the console', async () => {
    // Sales's console in a fresh tab whose socket the test can slow: while `held` is set, what the
    // server says about the second chat waits on the way.
    await sales.page.context().close();
    let held: (() => void)[] | null = null;
    let heldId = '';
    const tab = await signedInAs(browser, srv, SALES, '/console/conversations', (context) =>
      context.routeWebSocket(/\/v1\/agent$/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((m) => server.send(m));
        server.onMessage((m) => {
          if (held && String(m).includes(heldId)) held.push(() => ws.send(m));
          else ws.send(m);
        });
        ws.onClose(() => void server.close().catch(() => {}));
        server.onClose(() => void ws.close().catch(() => {}));
      }),
    );
    const { page } = tab;
    await goOnline(page);
    // Support takes sales chats too: away, so both chats are offered to Sales.
    await support.page.getByTestId('language-select').selectOption('en');
    await goAway(support.page);
    llm.behaviour = { kind: 'status', status: 503 };
    const visitors: VisitorChatClient[] = [];
    // A chat is open once its row is the selected one: an accept selects its chat only when the
    // server answers, so a click before that would be undone by it.
    const selected = (name: string) =>
      page.locator('[data-testid="inbox-chat"][aria-current="true"]').filter({ hasText: name }).waitFor();
    const open = async (name: string) => {
      await page.getByTestId('inbox-chat').filter({ hasText: name }).first().click();
      await selected(name);
    };
    try {
      for (const name of ['Grace Hopper', 'Alan Turing']) {
        const v = await startVisitor(srv, { name, text: 'Hi', skillId: srv.demo!.skillIds.sales });
        visitors.push(v);
        await page
          .getByTestId('offer-card')
          .filter({ hasText: name })
          .getByRole('button', { name: 'Accept' })
          .click();
        await selected(name);
      }
      const [, alan] = visitors as [VisitorChatClient, VisitorChatClient];
      // Grace's chat is open; Alan asks, and the console hears nothing of it yet.
      await open('Grace Hopper');
      heldId = alan.conversation!.id;
      held = [];
      await alan.send('Can I return an item for a refund?');
      const salesId = (await cookieFor(srv, SALES)).userId;
      const before = await usage(salesId, 'knowledge');
      const count = (u: Record<string, unknown> | undefined, k: string) =>
        Number(u?.[k] ?? 0) - Number(before?.[k] ?? 0);

      // Alan's chat opens: its suggestions come over REST, for the line the console has not seen.
      await open('Alan Turing');
      const panel = page.getByTestId('assist-suggestions');
      await panel.locator('[data-testid="assist-suggestion"][data-source="knowledge"]').waitFor();
      await until(
        async () => count(await usage(salesId, 'knowledge'), 'shown') >= 1,
        'the suggestion counted shown',
      );
      // The line and its suggestions arrive; then Sales answers without using them.
      const release = held;
      held = null;
      for (const send of release) send();
      await page.getByTestId('message-list').getByText('Can I return an item for a refund?').waitFor();
      const input = page.getByTestId('composer-input');
      await input.fill('Yes, within 30 days.');
      await input.press('Enter');
      await alan.waitForMessage((m) => m.senderKind === 'agent', 10_000);
      const settled = await until(async () => {
        const u = await usage(salesId, 'knowledge');
        return count(u, 'ignored') >= 1 && count(u, 'ignored') === count(u, 'shown') ? u : null;
      }, 'the suggestion counted ignored');
      assert.equal(count(settled, 'shown'), 1, 'one line, one suggestion shown: counted once');
      assert.deepEqual(tab.errors, [], 'no errors in the console');
    } finally {
      held = null;
      for (const v of visitors) await v.close().catch(() => {});
      await page.context().close();
    }
  });

  it('lists per agent and source what was shown, used, edited and ignored in the agents report', async () => {
    const admin = await signedInAs(browser, srv, DEMO_ADMIN.email, '/console/analytics/agents');
    const table = admin.page.getByTestId('assist-usage');
    const row = table.getByTestId(`assist-usage-${supportId()}-knowledge`);
    // Shown for the three lines (the return, the card, the refund); the first edited or ignored,
    // the others ignored when the chat moved on. The last outcome is recorded as the chat moves on:
    // on a loaded machine the report can come first, so it is read again until all three settled.
    let counts: number[] = [];
    await until(
      async () => {
        await admin.page.reload();
        await row.waitFor();
        counts = (await row.locator('td').allTextContents()).map(Number);
        return counts[0] === 3 && counts[1]! + counts[2]! + counts[3]! === 3;
      },
      'three suggestions shown and settled',
      20_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}: shown, used, edited, ignored ${JSON.stringify(counts)}`);
    });
    assert.match((await row.locator('th').textContent()) ?? '', /Support Agent.*Knowledge base/);
    const [shown, used, edited, ignored] = counts;
    assert.equal(shown, 3, 'shown');
    assert.equal(used! + edited! + ignored!, shown, 'each shown suggestion settled once');
    await table.scrollIntoViewIfNeeded();
    await admin.page.screenshot({ path: `${SHOTS_DIR}assist-usage-report.png` });
    for (const p of [support, sales, admin]) assert.deepEqual(p.errors, [], 'no errors in the console');
  });
});
