import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallView } from '@beckon/protocol/call-protocol';
import type { Message } from '@beckon/protocol/chat-api';
import { type CallLine, readCallLine } from '@beckon/protocol/chat-lines';
import type { AgentServerFrame } from '@beckon/protocol/chat-protocol';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { CallRequests } from '@beckon/sdk/call-requests';
import { chatOf } from '../src/conversations/chat-module.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();

/**
 * Warm transfers of a phone call, without a gateway (the call service as the phone lines drive
 * it): the consulted agent reads the chat only while the consult lasts, a warm transfer to a
 * skill walks the skill's agents, and the timeline tells cold from warm.
 */
for (const store of ['sqlite', 'postgres'] as const) {
  describe(`warm transfers of phone calls (${store})`, () => {
    const skip = store === 'postgres' ? PG_SKIP : null;
    let srv: TestServer;
    let sales: AgentChatClient;
    let support: AgentChatClient;
    let admin: AgentChatClient;
    let supportApi: ApiClient;
    let strangerApi: ApiClient;

    before(async () => {
      if (skip) return;
      srv = await startTestServer({
        demo: true,
        store,
        env: { BECKON_CALL_RING_SECONDS: '20', BECKON_CALL_RECONNECT_SECONDS: '120' },
      });
      sales = await connectAgent(srv, 'sales@demo.beckon.local');
      support = await connectAgent(srv, 'support@demo.beckon.local');
      admin = await connectAgent(srv, 'admin@demo.beckon.local', false);
      await admin.setStatus('away');
      supportApi = new ApiClient(srv.node.app);
      supportApi.cookie = (await cookieFor(srv, 'support@demo.beckon.local')).cookie;
      // An agent of another account, with the same role.
      const { store: s } = srv.node.ctx;
      const other = await s.accounts.create('Other shop');
      await s.users.create(other.id, {
        email: `stranger-${store}@other.example`,
        name: 'Stranger',
        role: 'agent',
        passwordHash: 'h',
        skillIds: [],
        capacity: 2,
        status: 'online',
      });
      strangerApi = new ApiClient(srv.node.app);
      strangerApi.cookie = (await cookieFor(srv, `stranger-${store}@other.example`)).cookie;
    });
    after(async () => {
      if (skip) return;
      for (const a of [sales, support, admin]) await a?.disconnect();
      await srv.close();
    });

    const calls = (a: AgentChatClient) => new CallRequests(a.frames as never);
    const reads = async (api: ApiClient, id: string) => (await api.get(`/api/v1/conversations/${id}`)).status;
    const lines = async (id: string): Promise<CallLine[]> => {
      const rows = await srv.node.ctx.store.messages.after(srv.demo!.accountId, id, 0, { limit: 500 });
      return rows.map((m) => readCallLine(m as Message)).filter((l): l is CallLine => l !== null);
    };

    /** A chat Sales holds (the others away while it is offered). */
    async function chatWithSales() {
      await support.setStatus('away');
      const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, name: 'Ida' });
      const id = visitor.conversation.id;
      await eventually(() => sales.offers.has(id), 3000, 'offer');
      await sales.accept(id);
      await sales.send(id, 'I need help with my order 4711.');
      await support.setStatus('online');
      return { id, visitor };
    }

    /** A phone call in a chat Sales holds, answered by Sales (as the phone lines start one). */
    async function callWithSales() {
      const { id, visitor } = await chatWithSales();
      const chat = chatOf(srv.node.ctx)!;
      const conversation = await srv.node.ctx.store.conversations.get(srv.demo!.accountId, id);
      const ringing = calls(sales).nextCall((c) => c.state === 'ringing' && c.conversationId === id);
      await chat.calls.visitorStart(srv.demo!.accountId, conversation, {
        number: '+15550100',
        direction: 'inbound',
      });
      const call = await ringing;
      const active = calls(sales).nextCall((c) => c.id === call.id && c.state === 'active');
      await calls(sales).accept(call.id);
      await active;
      const close = async () => {
        await chat.calls.hangup('visitor', srv.demo!.accountId, call.id);
        await visitor.close();
      };
      return { id, call, close };
    }

    const warmTo = (callId: string, to: { agentId?: string; skillId?: string }) =>
      calls(sales).request({ type: 'call_transfer', callId, ...to, warm: true });
    const ringsFor = (a: AgentChatClient, callId: string) =>
      calls(a).nextCall((c) => c.id === callId && c.state === 'ringing' && c.ringingAgentId === a.profile.id);

    it('lets the consulted agent read the chat only while the consult lasts, never another account', {
      skip: skip ?? false,
    }, async () => {
      const other = await chatWithSales();
      const { id, call, close } = await callWithSales();
      try {
        assert.equal(await reads(supportApi, id), 404, 'not Support’s chat before the consult');
        const rings = ringsFor(support, call.id);
        await warmTo(call.id, { agentId: support.profile.id });
        await rings;
        assert.equal(await reads(supportApi, id), 200, 'Support reads while the consult rings them');
        const answered = calls(support).nextCall((c) => c.id === call.id && c.state === 'active');
        await calls(support).accept(call.id);
        await answered;
        const thread = await supportApi.get<{ messages: Message[] }>(`/api/v1/conversations/${id}`);
        assert.equal(thread.status, 200);
        assert.ok(thread.body.messages.some((m) => m.text === 'I need help with my order 4711.'));
        assert.equal((await supportApi.get(`/api/v1/conversations/${id}/messages`)).status, 200);
        // Live too: the socket follows the chat read-only.
        await support.watch(id);
        // Reading is all: Support cannot write in Sales's chat.
        const write = await supportApi.post(`/api/v1/conversations/${id}/messages`, {
          echoId: 'e-consult-1',
          text: 'Hello from Support',
        });
        assert.equal(write.status, 403);
        // Not another chat of the account, and never for another account's agent.
        assert.equal(await reads(supportApi, other.id), 404);
        assert.equal(await reads(strangerApi, id), 404);
        const { store: s } = srv.node.ctx;
        const stranger = await s.users.findForLogin(`stranger-${store}@other.example`);
        assert.equal(await s.calls.consulting(stranger!.accountId, id, support.profile.id), false);
        assert.equal(await s.calls.consulting(srv.demo!.accountId, id, support.profile.id), true);
        assert.equal(await s.calls.consulting(srv.demo!.accountId, id, sales.profile.id), false);

        // Sales takes the caller back: Support's console is told, and the chat is closed to them.
        const told = support.frames.next<Extract<AgentServerFrame, { type: 'unassigned' }>>(
          (f) => f.type === 'unassigned' && f.conversationId === id,
        );
        await calls(sales).request({ type: 'call_warm', callId: call.id, action: 'cancel' });
        assert.equal((await told).reason, 'consult_ended');
        assert.equal(await reads(supportApi, id), 404, 'the consult is over');
        assert.equal((await supportApi.get(`/api/v1/conversations/${id}/messages`)).status, 404);
        await assert.rejects(support.watch(id));

        // A second consult, completed: the chat is Support's for good.
        const again = ringsFor(support, call.id);
        await warmTo(call.id, { agentId: support.profile.id });
        await again;
        const talking = calls(support).nextCall((c) => c.id === call.id && c.state === 'active');
        await calls(support).accept(call.id);
        await talking;
        await calls(sales).request({ type: 'call_warm', callId: call.id, action: 'complete' });
        await eventually(
          async () =>
            (await s.conversations.get(srv.demo!.accountId, id)).assignedAgentId === support.profile.id,
          5000,
          'the chat is Support’s',
        );
        assert.equal(await reads(supportApi, id), 200);

        // The timeline tells the consults from a cold transfer, with who and to whom.
        await calls(support).transfer(call.id, { skillId: srv.demo!.skillIds.sales });
        await eventually(async () => (await lines(id)).length === 5, 5000, 'five call lines');
        const [consult, back, , handed, cold] = await lines(id);
        assert.deepEqual(consult, {
          kind: 'consulting',
          from: sales.profile.id,
          agentId: support.profile.id,
        });
        assert.deepEqual(back, { kind: 'back', agentId: sales.profile.id });
        assert.deepEqual(handed, { kind: 'handed', from: sales.profile.id, agentId: support.profile.id });
        assert.deepEqual(cold, {
          kind: 'transferred',
          from: support.profile.id,
          skillId: srv.demo!.skillIds.sales,
        });
        const texts = (await s.messages.after(srv.demo!.accountId, id, 0, { limit: 500 })).map((m) => m.text);
        for (const text of [
          'Sales Agent started a consult with Support Agent before handing the call over.',
          'The call is back with Sales Agent.',
          'Sales Agent handed the call over to Support Agent after a consult.',
          'Support Agent transferred the call to the Sales queue.',
        ])
          assert.ok(texts.includes(text), text);
      } finally {
        await close();
        await other.visitor.close();
      }
    });

    it('rings the skill’s next agent when one declines a warm transfer to the skill; back to the first when none is left', {
      skip: skip ?? false,
    }, async () => {
      const { id, call, close } = await callWithSales();
      await admin.setStatus('online');
      try {
        // Support and the admin both have the Support skill: the transfer rings one of them.
        const rung: string[] = [];
        const off = sales.frames.on((f) => {
          const c = (f as unknown as { call?: CallView }).call;
          if (f.type === 'call' && c?.id === call.id && c.state === 'ringing' && c.ringingAgentId)
            if (!rung.includes(c.ringingAgentId)) rung.push(c.ringingAgentId);
        });
        await warmTo(call.id, { skillId: srv.demo!.skillIds.support });
        await eventually(() => rung.length === 1, 5000, 'the first agent of the skill rings');
        const first = rung[0] === support.profile.id ? support : admin;
        const second = first === support ? admin : support;
        await calls(first).decline(call.id);
        await eventually(() => rung.length === 2, 5000, 'the next agent of the skill rings');
        assert.equal(rung[1], second.profile.id);
        const row = await srv.node.ctx.store.calls.get(srv.demo!.accountId, call.id);
        assert.equal(row?.warm_from, sales.profile.id, 'still a consult: Sales keeps the caller');
        // Nobody left: the caller is Sales's again.
        const back = calls(sales).nextCall(
          (c) => c.id === call.id && c.state === 'active' && c.agentId === sales.profile.id,
        );
        await calls(second).decline(call.id);
        await back;
        off();
        assert.equal((await srv.node.ctx.store.calls.get(srv.demo!.accountId, call.id))?.warm_from, null);
        assert.equal(await reads(supportApi, id), 404);
      } finally {
        await admin.setStatus('away');
        await close();
      }
    });
  });
}
