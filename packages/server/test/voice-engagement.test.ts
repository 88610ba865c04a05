import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Condition } from '@beckon/protocol';
import { CallRequests } from '@beckon/sdk/call-requests';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { pageView } from '@beckon/sdk/index';
import { hashPassword } from '../src/auth/passwords.ts';
import { contentCampaign, newTenant, visitor } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_CAPACITY_TTL_MS = '50';
  process.env.BECKON_CAPACITY_RETRY_MS = '200';
});

const section = (s: string): Condition => ({ field: 'page.section', op: 'contains', value: s });
const nothingWithin = async (p: Promise<unknown>) => assert.rejects(p, /no engage frame/);

describe('the call engagement: a "Call us" button offered only while an agent who takes calls is free', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ demo: true });
  });
  after(() => srv.close());

  it('is validated, shown while someone can answer, and held back while every such agent is on a call or takes no calls', async () => {
    const t = await newTenant(srv);
    const skillId = (await t.api.post('/api/v1/skills', { name: 'Phones' })).body.id;
    const bad = await t.api.post('/api/v1/campaigns', {
      ...contentCampaign('Call', section('help')),
      engagement: { type: 'call', skillId, label: 'x'.repeat(61) },
    });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /engagement\/label/);
    const created = await t.api.post('/api/v1/campaigns', {
      ...contentCampaign('Call', section('help')),
      engagement: { type: 'call', skillId },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.engagement, { type: 'call', skillId });

    // Nobody to answer: nothing is offered.
    const first = await visitor(srv, t.site.siteKey, 'v-call-1');
    await first.sendBatch([pageView('https://shop.example/help', ['help'])]);
    await nothingWithin(first.nextEngage(300));
    await first.close();

    const email = `cy-${Date.now()}@tenant.example`;
    const user = await srv.node.ctx.store.users.create(t.accountId, {
      email,
      name: 'Cy',
      role: 'agent',
      passwordHash: await hashPassword('x-password'),
      skillIds: [skillId],
      status: 'online',
      capacity: 3,
    });
    const cy = await connectAgent(srv, email);
    await new Promise((r) => setTimeout(r, 150)); // the capacity cache notices
    const shown = await visitor(srv, t.site.siteKey, 'v-call-2');
    await shown.sendBatch([pageView('https://shop.example/help', ['help'])]);
    const e = await shown.nextEngage(3000);
    assert.deepEqual(e.engagement, { type: 'call', skillId });
    await shown.close();

    // Cy on a call: chats could still be taken (slots free), calls cannot.
    const caller = await VisitorChatClient.start(srv.url, t.site.siteKey, { visitorId: 'v-caller', skillId });
    const ringing = new CallRequests(cy.frames as never).nextCall((c) => c.state === 'ringing');
    await new CallRequests(caller.frames as never).start();
    const call = await ringing;
    await new CallRequests(cy.frames as never).accept(call.id);
    await new Promise((r) => setTimeout(r, 150));
    const held = await visitor(srv, t.site.siteKey, 'v-call-3');
    await held.sendBatch([pageView('https://shop.example/help', ['help'])]);
    await nothingWithin(held.nextEngage(400));
    // The call ends: the visitor, still qualifying, is offered the call button.
    await new CallRequests(caller.frames as never).hangup(call.id);
    const later = await held.nextEngage(3000);
    assert.equal(later.engagement.type, 'call');
    await held.close();

    // Cy stops taking calls: nothing is offered though Cy is free.
    await srv.node.ctx.store.calls.setSettings(t.accountId, user.id, {
      takesCalls: false,
      chatsDuringCalls: false,
    });
    await new Promise((r) => setTimeout(r, 150));
    const off = await visitor(srv, t.site.siteKey, 'v-call-4');
    await off.sendBatch([pageView('https://shop.example/help', ['help'])]);
    await nothingWithin(off.nextEngage(400));
    await Promise.all([off.close(), caller.close(), cy.disconnect()]);
  });

  it('lets an agent say whether calls ring them, and refuses a malformed setting', async () => {
    const api = new ApiClient(srv.node.app);
    const session = await cookieFor(srv, 'sales@demo.beckon.local');
    api.cookie = session.cookie;
    api.csrf = session.csrf;
    assert.deepEqual((await api.get('/api/v1/me/voice')).body, { takesCalls: true, chatsDuringCalls: false });
    const off = await api.patch('/api/v1/me/voice', { takesCalls: false, chatsDuringCalls: true });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.deepEqual(off.body, { takesCalls: false, chatsDuringCalls: true });
    const stored = await srv.node.ctx.store.calls.settingsOf(session.accountId, session.userId);
    assert.equal(stored.takesCalls, false);
    assert.equal((await api.patch('/api/v1/me/voice', { takesCalls: 'yes' })).status, 400);
    assert.equal((await new ApiClient(srv.node.app).get('/api/v1/me/voice')).status, 401);
  });
});
