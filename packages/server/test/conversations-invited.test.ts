import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EngageFrame } from '@beckon/protocol';
import type { ConversationStart } from '@beckon/protocol/chat-api';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { pageView } from '@beckon/sdk/index';
import { flush, visitor } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { DEMO_ADMIN, DEMO_AGENT_PASSWORD, startTestServer, type TestServer } from './helpers/test-server.ts';

// Campaign invitations go out as soon as an agent connects (capacity is cached briefly).
// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_CAPACITY_TTL_MS = '50';
  process.env.BECKON_CAPACITY_RETRY_MS = '200';
});

/** The next invitation the visitor gets (the demo's chat button may come first: it waits a second on a page). */
async function invitation(shopper: { nextEngage(): Promise<EngageFrame> }): Promise<EngageFrame> {
  for (;;) {
    const e = await shopper.nextEngage();
    if (e.engagement.type === 'chat_invitation') return e;
  }
}

const SALES = 'sales@demo.beckon.local';
const SUPPORT = 'support@demo.beckon.local';

describe('an agent’s own invitation is answered by that agent', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ demo: true });
  });
  after(() => srv.close());

  it('offers the chat to the inviting agent although another agent of the skill is less busy', async () => {
    const demo = srv.demo!;
    // The Sales agent is already in a chat; the Support agent (who also has the Sales skill) is free,
    // so routing alone would pick Support.
    const sales = await connectAgent(srv, SALES);
    const first = await startVisitor(srv, { skillId: demo.skillIds.sales });
    await eventually(() => sales.offers.has(first.conversation.id), 5000, 'the first offer');
    await sales.accept(first.conversation.id);
    const support = await connectAgent(srv, SUPPORT);

    const shopper = await visitor(srv, demo.siteKey, 'invited-by-sales');
    await shopper.sendBatch([pageView(`${srv.url}/demo/checkout`, ['checkout'])]);
    const api = new ApiClient(srv.node.app);
    await api.login(SALES, DEMO_AGENT_PASSWORD);
    const invited = await api.post('/api/v1/visitors/invited-by-sales/invite', { message: 'Can I help?' });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    const engage = await invitation(shopper);
    assert.equal(engage.agentName, 'Sales Agent');
    await flush(srv);
    // The visitor's journey in the console says who sent the invitation.
    const journey = await api.get('/api/v1/visitors/invited-by-sales');
    assert.equal(journey.status, 200, JSON.stringify(journey.body));
    const manual = (
      journey.body as { exposures: { id: string; agentId: string | null; agentName: string | null }[] }
    ).exposures.find((x) => x.id === engage.exposureId);
    assert.equal(manual?.agentName, 'Sales Agent');

    const chat = await startVisitor(srv, {
      visitorId: 'invited-by-sales',
      exposureId: engage.exposureId,
      skillId: demo.skillIds.sales,
      text: 'Yes please',
    });
    const id = chat.conversation.id;
    await eventually(() => sales.offers.has(id), 5000, 'the offer to the inviting agent');
    assert.equal(support.offers.has(id), false, 'the free agent was not offered it');

    // A chat nobody invited by hand still goes to the least busy agent.
    const plain = await startVisitor(srv, { skillId: demo.skillIds.sales });
    await eventually(() => support.offers.has(plain.conversation.id), 5000, 'the plain offer');

    for (const c of [first, chat, plain, shopper]) await c.close();
    await Promise.all([sales.disconnect(), support.disconnect()]);
  });

  it('forgets the preference once the chat is sent on to a skill or overflows', async () => {
    const demo = srv.demo!;
    const { store } = srv.node.ctx;
    const users = await store.users.list(demo.accountId);
    const inviter = users.find((u) => u.email === SALES)!.id;
    const admin = users.find((u) => u.role === 'owner')!.id;
    const preferred = async (id: string) =>
      (
        await store.db
          .selectFrom('conversations')
          .select('preferred_agent_id')
          .where('id', '=', id)
          .executeTakeFirst()
      )?.preferred_agent_id;
    const open = () =>
      store.conversations.create({
        accountId: demo.accountId,
        siteId: demo.siteId,
        visitorId: null,
        source: 'invitation',
        skillId: demo.skillIds.sales,
        status: 'queued',
        preferredAgentId: inviter,
        tokenHash: `h${Math.random()}`,
      });
    const transferred = await open();
    assert.equal(await preferred(transferred.id), inviter);
    await store.assignment.transfer(
      demo.accountId,
      transferred.id,
      { agentId: admin, supervisor: true },
      { skillId: demo.skillIds.support },
    );
    assert.equal(await preferred(transferred.id), null);
    const overflowed = await open();
    await store.assignment.overflow(demo.accountId, overflowed.id, demo.skillIds.sales, {
      skillId: demo.skillIds.support,
    });
    assert.equal(await preferred(overflowed.id), null);
  });
});

describe('the invitation a visitor accepted opens the conversation', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ demo: true });
  });
  after(() => srv.close());

  it('is its first message, under the name the visitor saw: for the visitor, the agent, history and the transcript, once', async () => {
    const demo = srv.demo!;
    const sales = await connectAgent(srv, SALES);
    const shopper = await visitor(srv, demo.siteKey, 'asked-about-the-lamp');
    await shopper.sendBatch([pageView(`${srv.url}/demo/checkout`, ['checkout'])]);
    const api = new ApiClient(srv.node.app);
    await api.login(SALES, DEMO_AGENT_PASSWORD);
    const words = 'Hi! Any questions about the lamp?';
    const invited = await api.post('/api/v1/visitors/asked-about-the-lamp/invite', { message: words });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    const engage = await invitation(shopper);
    await flush(srv);

    const chat = await startVisitor(srv, {
      visitorId: 'asked-about-the-lamp',
      exposureId: engage.exposureId,
      source: 'invitation',
      text: 'Is it dimmable?',
    });
    const id = chat.conversation.id;
    const said = (ms: { seq: number; senderKind: string; senderName: string | null; text: string }[]) =>
      ms.map((m) => [m.seq, m.senderKind, m.senderName, m.text]);
    const opening = [
      [1, 'invitation', 'Sales Agent', words],
      [2, 'visitor', null, 'Is it dimmable?'],
    ];
    // The visitor's socket delivers it from the store, before their own first message.
    await chat.waitForMessage((m) => m.seq === 2);
    assert.deepEqual(said(chat.messages), opening);

    // The agent who is offered the chat reads it first.
    await eventually(() => sales.offers.has(id), 5000, 'the offer');
    await sales.accept(id);
    await sales.waitForMessage(id, (m) => m.seq === 2);
    assert.deepEqual(said(sales.messages(id)).slice(0, 2), opening);
    await sales.send(id, 'It is: down to 10 %.');
    await chat.waitForMessage((m) => m.senderKind === 'agent');
    await sales.close(id);

    // History (the console reads the conversation with its messages) and the transcript download.
    const whole = await api.get(`/api/v1/conversations/${id}`);
    assert.equal(whole.status, 200, JSON.stringify(whole.body));
    assert.deepEqual(said(whole.body.messages).slice(0, 2), opening);
    const conversation = whole.body.conversation;
    assert.ok(conversation.firstResponseAt, 'answered by the agent…');
    assert.ok(
      Date.parse(conversation.firstResponseAt) > Date.parse(whole.body.messages[0].createdAt),
      '…not by the invitation',
    );
    const transcript = String((await api.get(`/api/v1/conversations/${id}/transcript`)).body);
    const lines = transcript.split('\n').filter((l) => l.startsWith('['));
    assert.match(lines[0]!, /\] Sales Agent \(invitation\): Hi! Any questions about the lamp\?$/);
    assert.match(lines[1]!, /\] Visitor: Is it dimmable\?$/);
    assert.equal(transcript.split(words).length, 2, 'said once');

    // Reopened after a reload: from the start it comes once; resuming past it, not again.
    const reopened = await VisitorChatClient.connect(srv.url, chat.token, 0);
    await reopened.waitForMessage((m) => m.senderKind === 'agent');
    assert.deepEqual(said(reopened.messages).slice(0, 2), opening);
    assert.equal(reopened.messages.filter((m) => m.senderKind === 'invitation').length, 1);
    const resumed = await VisitorChatClient.connect(srv.url, chat.token, 2);
    await resumed.waitForMessage((m) => m.senderKind === 'agent');
    assert.equal(resumed.messages.filter((m) => m.seq <= 2).length, 0);

    for (const c of [chat, reopened, resumed, shopper]) await c.close();
    await sales.disconnect();
  });

  it('is there even when the chat starts before the exposure is written (it waits in the writer), which a made-up exposure does not flush', async () => {
    const slow = await startTestServer({ demo: true });
    // The writer holds rows for a minute (the engagement settings come from the process's
    // environment, not from the test server's `env`, so it is told directly).
    slow.node.ctx.store.eventsWriter.configure({ flushIntervalMs: 60_000 });
    try {
      const api = new ApiClient(slow.node.app);
      await api.login(SALES, DEMO_AGENT_PASSWORD);
      const shopper = await visitor(slow, slow.demo!.siteKey, 'quick-to-accept');
      await shopper.sendBatch([pageView(`${slow.url}/demo/`, ['home'])]);
      const invited = await api.post('/api/v1/visitors/quick-to-accept/invite', { message: 'Need a hand?' });
      assert.equal(invited.status, 201, JSON.stringify(invited.body));
      const { exposureId } = await invitation(shopper);
      assert.equal(
        await slow.node.ctx.store.exposures.get(slow.demo!.accountId, exposureId),
        undefined,
        'not written yet',
      );
      // An exposure id this node never showed (made up) finds nothing, and flushes nothing: it is
      // only looked for again, as one another node showed a moment ago would be.
      const stranger = await VisitorChatClient.start(slow.url, slow.demo!.siteKey, {
        visitorId: 'made-up-exposure',
        exposureId: `${exposureId.slice(0, -4)}zzzz`,
        source: 'invitation',
        text: 'Hello?',
      });
      await stranger.waitForMessage((m) => m.seq === 1);
      assert.deepEqual(
        stranger.messages.slice(0, 1).map((m) => [m.senderKind, m.text]),
        [['visitor', 'Hello?']],
        'no invitation opens it',
      );
      assert.equal(
        await slow.node.ctx.store.exposures.get(slow.demo!.accountId, exposureId),
        undefined,
        'still waiting in the writer',
      );
      await stranger.close();
      const chat = await VisitorChatClient.start(slow.url, slow.demo!.siteKey, {
        visitorId: 'quick-to-accept',
        exposureId,
        source: 'invitation',
        text: 'Yes',
      });
      await chat.waitForMessage((m) => m.seq === 2);
      assert.deepEqual(
        chat.messages.slice(0, 2).map((m) => [m.senderKind, m.text]),
        [
          ['invitation', 'Need a hand?'],
          ['visitor', 'Yes'],
        ],
      );
      await Promise.all([chat.close(), shopper.close()]);
    } finally {
      await slow.close();
    }
  });

  it('comes from a campaign’s invitation too, but never from a chat button, nor from another visitor’s exposure', async () => {
    const demo = srv.demo!;
    const admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const sales = await connectAgent(srv, SALES);
    const open: { close(): Promise<unknown> }[] = [];
    const campaigns: string[] = [];
    /** A campaign for one section of the demo store, shown to a shopper there (its exposure stored). */
    const shownOn = async (section: string, engagement: Record<string, unknown>) => {
      const created = await admin.post('/api/v1/campaigns', {
        name: `On ${section}`,
        status: 'active',
        goal: { type: 'purchase' },
        targeting: { all: [{ field: 'page.section', op: 'contains', value: section }] },
        priority: 100,
        engagement: { skillId: demo.skillIds.sales, ...engagement },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      campaigns.push(created.body.id);
      await new Promise((r) => setTimeout(r, 150)); // the capacity cache sees the agent
      const shopper = await visitor(srv, demo.siteKey, `${section}-shopper`);
      open.push(shopper);
      await shopper.sendBatch([pageView(`${srv.url}/demo/${section}`, [section])]);
      const engage = await shopper.nextEngage();
      assert.equal(engage.campaignId, created.body.id);
      await flush(srv);
      return engage;
    };
    /** Who said what in a conversation started with `input`, once its first `n` messages are in. */
    const openingOf = async (input: ConversationStart, n: number) => {
      const chat = await startVisitor(srv, input);
      open.push(chat);
      await chat.waitForMessage((m) => m.seq === n);
      return chat.messages.map((m) => [m.senderKind, m.senderName, m.text]);
    };

    const words = 'Looking for a gift? We can help you choose.';
    const invited = await shownOn('gifts', {
      type: 'chat_invitation',
      message: words,
      style: 'toaster',
      offline: 'none',
    });
    const { exposureId } = invited;
    assert.deepEqual(
      await openingOf(
        { visitorId: 'gifts-shopper', exposureId, source: 'invitation', text: 'For my father' },
        2,
      ),
      [
        ['invitation', invited.agentName ?? null, words],
        ['visitor', null, 'For my father'],
      ],
    );
    // Someone else presenting that exposure id starts a plain conversation.
    assert.deepEqual(await openingOf({ exposureId, text: 'Hello' }, 1), [['visitor', null, 'Hello']]);
    // A chat button's exposure says nothing of its own.
    const pressed = await shownOn('wrapping', { type: 'chat_button', label: 'Ask us' });
    assert.deepEqual(
      await openingOf(
        {
          visitorId: 'wrapping-shopper',
          exposureId: pressed.exposureId,
          source: 'button',
          text: 'Do you wrap?',
        },
        1,
      ),
      [['visitor', null, 'Do you wrap?']],
    );

    for (const id of campaigns) await admin.patch(`/api/v1/campaigns/${id}`, { status: 'paused' });
    for (const c of open) await c.close();
    await sales.disconnect();
  });
});
