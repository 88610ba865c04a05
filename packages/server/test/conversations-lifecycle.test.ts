import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

const SALES = 'sales@demo.beckon.local';
const SUPPORT = 'support@demo.beckon.local';

async function apiAs(srv: TestServer, email: string): Promise<ApiClient> {
  const s = await cookieFor(srv, email);
  const api = new ApiClient(srv.node.app);
  api.cookie = s.cookie;
  api.csrf = s.csrf;
  return api;
}

describe('agent status over REST, wrap-up after the visitor left', { timeout: 60_000 }, () => {
  let srv: TestServer;
  let sales: AgentChatClient;
  let support: AgentChatClient;
  before(async () => {
    srv = await startTestServer({ demo: true });
    sales = await connectAgent(srv, SALES);
    support = await connectAgent(srv, SUPPORT, false);
  });
  after(async () => {
    await sales?.disconnect();
    await support?.disconnect();
    await srv.close();
  });

  it('PATCH /users/:id {status} acts like the console switch: offers revoked, consoles told, queue rerouted', async () => {
    const salesApi = await apiAs(srv, SALES);
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    const id = visitor.conversation.id;
    await eventually(() => sales.offers.has(id), 3000, 'offer to sales');

    const revoked = sales.next('offer_revoked', (f) => f.conversationId === id);
    const told = sales.next('status', (f) => f.status === 'away');
    const away = await salesApi.patch(`/api/v1/users/${sales.profile.id}`, { status: 'away' });
    assert.equal(away.status, 200);
    assert.equal(away.body.status, 'away');
    assert.equal((await revoked).reason, 'declined');
    await told;
    assert.equal(sales.profile.status, 'away', 'the open console reflects it');

    // An admin sets the Support agent online over REST: the waiting chat is offered to them right away.
    const admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const offered = support.next('offer', (f) => f.conversation.id === id);
    assert.equal(
      (await admin.patch(`/api/v1/users/${support.profile.id}`, { status: 'online' })).status,
      200,
    );
    await offered;
    await support.accept(id);
    assert.equal(
      (await salesApi.patch(`/api/v1/users/${support.profile.id}`, { status: 'away' })).status,
      403,
    );
    await salesApi.patch(`/api/v1/users/${sales.profile.id}`, { status: 'online' });
    await visitor.close();
  });

  it('records the wrap-up when the agent closes after the visitor already ended the chat', async () => {
    await support.setStatus('away');
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    const id = visitor.conversation.id;
    await eventually(() => sales.offers.has(id), 3000, 'offer');
    await sales.accept(id);
    visitor.end();
    await eventually(() => sales.conversations.get(id)?.status === 'closed', 3000, 'ended by the visitor');

    const updated = sales.next(
      'conversation',
      (f) => f.conversation.id === id && f.conversation.disposition !== null,
    );
    await sales.close(id, { disposition: 'answered', tags: ['shipping', 'oslo', 'shipping'] });
    const c = (await updated).conversation;
    assert.deepEqual(
      [c.status, c.closedBy, c.disposition, c.tags],
      ['closed', 'visitor', 'answered', ['shipping', 'oslo']],
    );

    const supportApi = await apiAs(srv, SUPPORT);
    const refused = await supportApi.post(`/api/v1/conversations/${id}/close`, { disposition: 'mine' });
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'not_assigned'], 'not another agent');
    const admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const fixed = await admin.post(`/api/v1/conversations/${id}/close`, { tags: ['oslo'] });
    assert.equal(fixed.status, 200);
    assert.deepEqual(
      [fixed.body.disposition, fixed.body.tags],
      ['answered', ['oslo']],
      'a supervisor amends it',
    );
    const again = await admin.post(`/api/v1/conversations/${id}/close`, {});
    assert.deepEqual(
      [again.status, again.body.tags],
      [200, ['oslo']],
      'closing again without a wrap-up changes nothing',
    );
    await visitor.close();
  });
});

describe('rate limits on new conversations', { timeout: 60_000 }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({
      demo: true,
      env: { BECKON_RATE_CHAT_START: '0.001/2', BECKON_RATE_CHAT_START_ADDRESS: '0.001/6' },
    });
  });
  after(() => srv.close());

  it('limits each visitor and each address over REST, the socket and the offline form; counted in /metrics', async () => {
    const anon = new ApiClient(srv.node.app);
    const site = { 'x-beckon-site-key': srv.demo!.siteKey };
    const start = (visitorId: string) =>
      anon.request('POST', '/api/v1/chat/conversations', { visitorId }, site);
    assert.deepEqual([(await start('eager')).status, (await start('eager')).status], [201, 201]);
    const third = await start('eager');
    assert.equal(third.status, 429);
    assert.equal(third.body.error.code, 'rate_limited');
    const form = { name: 'E', email: 'e@example.com', message: 'hi', visitorId: 'eager' };
    assert.equal((await anon.request('POST', '/api/v1/chat/offline', form, site)).status, 429);
    await assert.rejects(
      VisitorChatClient.start(srv.url, srv.demo!.siteKey, { visitorId: 'eager' }),
      /socket closed \(4429/,
    );

    // Other visitors from the same address: the address budget (6) runs out too.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await start(`other${i}`)).status);
    assert.deepEqual(statuses, [201, 201, 201, 201, 429, 429]);

    const metrics = (await anon.get('/metrics')).body as string;
    assert.match(metrics, /beckon_chat_rate_limited_total\{action="start",scope="visitor"\} 3/);
    assert.match(metrics, /beckon_chat_rate_limited_total\{action="start",scope="address"\} 2/);
  });
});
