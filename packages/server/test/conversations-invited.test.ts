import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pageView } from '@beckon/sdk';
import { flush, visitor } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { DEMO_AGENT_PASSWORD, startTestServer, type TestServer } from './helpers/test-server.ts';

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
    const engage = await shopper.nextEngage();
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
