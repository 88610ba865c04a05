import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type {
  CallPeerMediaFrame,
  CallPeerSignalFrame,
  CallUpdateFrame,
  CallView,
} from '@beckon/protocol/call-protocol';
import type { ChatErrorFrame } from '@beckon/protocol/chat-protocol';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { CallRequests } from '@beckon/sdk/call-requests';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import { WebSocket } from 'ws';
import { chatOf } from '../src/conversations/chat-module.ts';
import { iceServersFor } from '../src/voice/turn-credentials.ts';
import { loadVoiceConfig } from '../src/voice/voice-config.ts';
import { connectAgent, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();

const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`voice calls (${store})`, () => {
    const skip = store === 'postgres' ? PG_SKIP : null;
    let srv: TestServer;
    let sales: AgentChatClient;
    let support: AgentChatClient;
    before(async () => {
      if (skip) return;
      srv = await startTestServer({
        demo: true,
        store,
        env: {
          BECKON_CALL_RING_SECONDS: '0.6',
          BECKON_CALL_RECONNECT_SECONDS: '0.6',
          BECKON_CALL_STARTS_PER_MINUTE: '3',
          BECKON_ICE_SERVERS: '["stun:stun.example.org:3478",{"urls":"turn:turn.example.org:3478"}]',
          BECKON_TURN_SECRET: 'shared-secret',
        },
      });
      sales = await connectAgent(srv, 'sales@demo.beckon.local');
      support = await connectAgent(srv, 'support@demo.beckon.local');
    });
    after(async () => {
      if (skip) return;
      for (const a of [sales, support]) await a?.disconnect();
      await srv.close();
    });

    const calls = (c: AgentChatClient | VisitorChatClient) => new CallRequests(c.frames as never);
    const stored = (id: string) => srv.node.ctx.store.calls.get(srv.demo!.accountId, id);

    /** A visitor chatting with `holder` (the other agent away while it is offered). */
    async function chatWith(holder: AgentChatClient, other: AgentChatClient, language?: 'de') {
      await other.setStatus('away');
      const visitor = await startVisitor(srv, {
        skillId: srv.demo!.skillIds.sales,
        name: 'Ada',
        ...(language ? { language } : {}),
      });
      const id = visitor.conversation.id;
      await eventually(() => holder.offers.has(id), 3000, 'offer');
      await holder.accept(id);
      await other.setStatus('online');
      return { visitor, id };
    }

    it('rings the chat agent, relays signalling both ways, and records who hung up, talk and wait time', {
      skip: skip ?? false,
    }, async () => {
      const { visitor, id } = await chatWith(sales, support);
      const v = calls(visitor);
      const a = calls(sales);
      const ringing = a.nextCall((c) => c.state === 'ringing' && c.ringingAgentId === sales.profile.id);
      await v.start();
      const call = await ringing;
      assert.equal(call.conversationId, id);
      const visitorSees = v.nextCall((c) => c.state === 'active');
      const agentSees = a.nextCall((c) => c.state === 'active');
      await a.accept(call.id);
      const [vc, ac] = await Promise.all([visitorSees, agentSees]);
      assert.equal(vc.agentName, 'Sales Agent');
      assert.equal(vc.leg, 1);
      assert.equal(ac.agentId, sales.profile.id);
      // Both sides get the ICE servers; the TURN entry with credentials for a limited time.
      const frame = await (async () => {
        const f = visitor.frames.next<CallUpdateFrame>((x) => x.type === 'call');
        await a.hold(call.id, true);
        return f;
      })();
      const turn = frame.iceServers?.find((s) => s.urls === 'turn:turn.example.org:3478');
      assert.match(turn?.username ?? '', /^\d+:v-/);
      await a.hold(call.id, false);
      // Offer agent → visitor, answer and a candidate visitor → agent.
      const offer = visitor.frames.next<CallPeerSignalFrame>((f) => f.type === 'call_signal');
      a.send({ type: 'call_signal', callId: call.id, leg: 1, description: { type: 'offer', sdp: SDP } });
      assert.equal((await offer).description?.sdp, SDP);
      const answer = sales.frames.next<CallPeerSignalFrame>(
        (f) => f.type === 'call_signal' && 'candidate' in f,
      );
      v.send({ type: 'call_signal', callId: call.id, leg: 1, description: { type: 'answer', sdp: SDP } });
      v.send({
        type: 'call_signal',
        callId: call.id,
        leg: 1,
        candidate: {
          candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      });
      const cand = await answer;
      assert.equal(cand.from, 'visitor');
      const muted = sales.frames.next<CallPeerMediaFrame>((f) => f.type === 'call_media');
      v.send({ type: 'call_mute', callId: call.id, muted: true });
      assert.equal((await muted).muted, true);
      // The visitor hangs up: both sides see the end, the record says who and how long.
      const ended = a.nextCall((c) => c.state === 'ended');
      await v.hangup(call.id);
      const end = await ended;
      assert.equal(end.endedBy, 'visitor');
      assert.equal(end.endReason, 'hangup');
      const row = await stored(call.id);
      assert.ok(row && row.talk_ms !== null && Number(row.talk_ms) >= 0);
      assert.ok(row && Number(row.wait_ms) >= 0);
      assert.ok(Number(row?.held_ms) >= 0);
      // Every step is in the conversation's timeline.
      for (const text of [
        'The visitor asked for a call.',
        'Call answered by Sales Agent.',
        'Call on hold.',
        'Call resumed.',
      ])
        await sales.waitForMessage(id, (m) => m.text === text);
      await sales.waitForMessage(id, (m) => /^Call ended \(hung up by the visitor\) after/.test(m.text));
      await visitor.close();
      await sales.close(id);
    });

    it('writes the call’s lines in the language the visitor chats in', { skip: skip ?? false }, async () => {
      const { visitor, id } = await chatWith(sales, support, 'de');
      const v = calls(visitor);
      const a = calls(sales);
      const ringing = a.nextCall((c) => c.state === 'ringing' && c.ringingAgentId === sales.profile.id);
      await v.start();
      const call = await ringing;
      const active = a.nextCall((c) => c.state === 'active');
      await a.accept(call.id);
      await active;
      await a.hold(call.id, true);
      await a.hold(call.id, false);
      const ended = a.nextCall((c) => c.state === 'ended');
      await a.hangup(call.id);
      await ended;
      for (const text of [
        'Der Besucher hat um einen Anruf gebeten.',
        'Anruf angenommen von Sales Agent.',
        'Anruf gehalten.',
        'Anruf fortgesetzt.',
      ])
        await visitor.waitForMessage((m) => m.senderKind === 'system' && m.text === text);
      // Durations as German writes them: "0 Sek." or "1 Min. 5 Sek.".
      await visitor.waitForMessage((m) =>
        /^Anruf beendet \(vom Agent aufgelegt\) nach (\d+ Min\. )?\d+ Sek\. Gespräch und (\d+ Min\. )?\d+ Sek\. Wartezeit\.$/.test(
          m.text,
        ),
      );
      await visitor.close();
      await sales.close(id);
    });

    it('answers a call asked for the moment the visitor is welcomed back, while the socket still catches up', {
      // A row lock holds the catching up; SQLite has one writer, so the lock would hold everything.
      skip: skip ?? (store === 'sqlite' ? 'needs row locks (PostgreSQL)' : false),
    }, async () => {
      const { visitor, id } = await chatWith(sales, support);
      const token = visitor.token!;
      await visitor.close();
      const { db } = srv.node.ctx.store;
      // The chat waits on the customer: the visitor's return opens it again, a write that waits
      // here on a row lock, so the socket is still catching up after its welcome.
      await db.updateTable('conversations').set({ waiting_on: 'customer' }).where('id', '=', id).execute();
      let release!: () => void;
      const released = new Promise<void>((r) => {
        release = r;
      });
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      const lock = db.transaction().execute(async (trx) => {
        await trx.selectFrom('conversations').select('id').where('id', '=', id).forUpdate().execute();
        locked();
        await released;
      });
      await isLocked;
      const ringing = calls(sales).nextCall((c) => c.state === 'ringing' && c.conversationId === id, 8000);
      // A widget that reconnects and asks for a call in the same tick as the welcome.
      const ws = new WebSocket(`${srv.url.replace(/^http/, 'ws')}/v1/chat`);
      const frames: Array<{ type: string; ref?: string; code?: string }> = [];
      ws.on('message', (data) => {
        const f = JSON.parse(String(data)) as { type: string; ref?: string };
        frames.push(f);
        if (f.type === 'welcome') ws.send(JSON.stringify({ type: 'call_start', ref: 'r1' }));
      });
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(JSON.stringify({ type: 'hello', token }));
      await eventually(() => frames.some((f) => f.type === 'welcome'), 5000, 'welcome');
      await new Promise((r) => setTimeout(r, 300));
      release();
      await lock;
      await eventually(
        () => frames.some((f) => f.ref === 'r1'),
        5000,
        'an answer to the call asked for with the welcome',
      );
      assert.deepEqual(
        frames.filter((f) => f.ref === 'r1').map((f) => f.type),
        ['done'],
      );
      const call = await ringing;
      const ended = calls(sales).nextCall((c) => c.id === call.id && c.state === 'ended');
      ws.send(JSON.stringify({ type: 'call_hangup', callId: call.id, ref: 'r2' }));
      await ended;
      ws.close();
      await sales.close(id);
    });

    it('gives an agent on a call no new chat, and chats again once the call ends', {
      skip: skip ?? false,
    }, async () => {
      const { visitor, id } = await chatWith(sales, support);
      const a = calls(sales);
      const invited = calls(visitor).nextCall((c) => c.state === 'inviting');
      await a.start(id);
      const call = await invited;
      await calls(visitor).accept(call.id);
      await support.setStatus('away');
      const other = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, name: 'Bo' });
      await chatOf(srv.node.ctx)!.router.runNow(srv.demo!.accountId);
      assert.equal(sales.offers.has(other.conversation.id), false, 'no chat offered during a call');
      await a.hangup(call.id);
      await eventually(() => sales.offers.has(other.conversation.id), 3000, 'chat offered after the call');
      await support.setStatus('online');
      await sales.decline(other.conversation.id);
      for (const c of [visitor, other]) await c.close();
      await sales.close(id);
    });

    it('passes an unanswered ring to the next agent, who then holds the chat', {
      skip: skip ?? false,
    }, async () => {
      const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, name: 'Cy' });
      const v = calls(visitor);
      const rings: string[] = [];
      let callId = '';
      const off = visitor.frames.on((f) => {
        const c = (f as unknown as { call?: CallView }).call;
        if (
          f.type === 'call' &&
          c?.state === 'ringing' &&
          c.ringingAgentId &&
          !rings.includes(c.ringingAgentId)
        ) {
          rings.push(c.ringingAgentId);
          callId = c.id;
        }
      });
      await v.start();
      await eventually(() => rings.length === 2, 4000, 'the second agent rings');
      off();
      const second = rings[1] === sales.profile.id ? sales : support;
      await calls(second).accept(callId);
      await visitor.waitForConversation((c) => c.status === 'active' && c.agentName === second.profile.name);
      // Transfer to the other agent: it rings there; on answer the call's leg grows (new peer connection).
      const first = second === sales ? support : sales;
      const ringsFirst = calls(first).nextCall(
        (c) => c.state === 'ringing' && c.ringingAgentId === first.profile.id,
      );
      await calls(second).transfer(callId, { agentId: first.profile.id });
      await ringsFirst;
      const leg2 = calls(visitor).nextCall((c) => c.state === 'active' && c.leg === 2);
      await calls(first).accept(callId);
      assert.equal((await leg2).agentId, first.profile.id);
      assert.equal(Number((await stored(callId))?.transfers), 1);
      await calls(first).hangup(callId);
      await visitor.close();
      await first.close(visitor.conversation.id);
    });

    it('closes with 4403 on signalling for a call of another conversation, refuses oversized SDP, limits a flood', {
      skip: skip ?? false,
    }, async () => {
      const { visitor, id } = await chatWith(sales, support);
      const ringing = calls(sales).nextCall((c) => c.state === 'ringing');
      await calls(visitor).start();
      const call = await ringing;
      // An oversized SDP is refused with an error naming it; the socket stays.
      const refused = visitor.frames.next<ChatErrorFrame>((f) => f.type === 'error');
      calls(visitor).send({
        type: 'call_signal',
        callId: call.id,
        leg: 1,
        description: { type: 'offer', sdp: 'x'.repeat(20_000) },
      });
      assert.match((await refused).message, /description\/sdp/);
      await calls(visitor).hangup(call.id);
      // Starts per conversation are limited (3 a minute here): the fourth is refused.
      for (let i = 0; i < 2; i++) {
        const r = calls(sales).nextCall((c) => c.state === 'ringing');
        await calls(visitor).start();
        await calls(visitor).hangup((await r).id);
      }
      await assert.rejects(calls(visitor).start(), { code: 'rate_limited' });
      // Another visitor naming this call: closed with 4403.
      const intruder = await startVisitor(srv, { skillId: srv.demo!.skillIds.support, name: 'Eve' });
      calls(intruder).send({ type: 'call_signal', callId: call.id, leg: 1, candidate: { candidate: 'x' } });
      assert.equal((await intruder.frames.closed).code, 4403);
      // An agent with no part in a call: 4403 too.
      const admin = await connectAgent(srv, 'admin@demo.beckon.local', false);
      calls(admin).send({ type: 'call_hangup', callId: call.id });
      assert.equal((await admin.frames.closed).code, 4403);
      await visitor.close();
      await sales.close(id);
    });

    it("ends a call whose agent's network is cut, and frees the agent", { skip: skip ?? false }, async () => {
      const { visitor, id } = await chatWith(sales, support);
      const ringing = calls(sales).nextCall((c) => c.state === 'ringing');
      await calls(visitor).start();
      const call = await ringing;
      const active = calls(visitor).nextCall((c) => c.state === 'active');
      await calls(sales).accept(call.id);
      await active;
      const ended = calls(visitor).nextCall((c) => c.state === 'ended', 6000);
      await sales.frames.cut();
      const end = await ended;
      assert.equal(end.endReason, 'network_lost');
      const busy = await srv.node.ctx.store.calls.busyAgents(srv.demo!.accountId);
      assert.equal(busy.onCall.has(sales.profile.id), false);
      sales = await connectAgent(srv, 'sales@demo.beckon.local');
      await visitor.close();
      await sales.close(id).catch(() => {});
    });

    it('cleans up the call of a node that died (no side left to mark it)', {
      skip: skip ?? false,
    }, async () => {
      const accountId = srv.demo!.accountId;
      const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.support, name: 'Di' });
      const { store } = srv.node.ctx;
      // As a dead node leaves it: an answered call in the store, nobody's socket marking it.
      const { call } = await store.calls.create(accountId, {
        conversationId: visitor.conversation.id,
        skillId: srv.demo!.skillIds.support,
        startedBy: 'visitor',
        state: 'inviting',
        agentId: support.profile.id,
      });
      await visitor.close();
      await store.calls.change(accountId, call.id, ['inviting'], {
        state: 'active',
        answered_at: Date.now() - 5000,
        updated_at: Date.now() - 5000,
      });
      assert.equal((await store.calls.busyAgents(accountId)).onCall.has(support.profile.id), true);
      await eventually(async () => (await stored(call.id))?.state === 'ended', 5000, 'stale call ended');
      assert.equal((await stored(call.id))?.end_reason, 'network_lost');
      assert.equal((await store.calls.busyAgents(accountId)).onCall.has(support.profile.id), false);
    });
  });
}

describe('TURN credentials (the TURN REST convention)', () => {
  it('gives TURN entries a name that expires and the HMAC-SHA1 of it, leaving STUN alone', () => {
    const config = loadVoiceConfig({
      BECKON_ICE_SERVERS: '["stun:stun.example.org",{"urls":["turns:turn.example.org:5349"]}]',
      BECKON_TURN_SECRET: 's3cret',
      BECKON_TURN_TTL_SECONDS: '600',
    });
    const now = Date.UTC(2026, 0, 1);
    const [stun, turn] = iceServersFor(config, 'a-user', now);
    assert.deepEqual(stun, { urls: 'stun:stun.example.org' });
    assert.equal(turn?.username, `${now / 1000 + 600}:a-user`);
    assert.equal(turn?.credential, createHmac('sha1', 's3cret').update(turn!.username!).digest('base64'));
  });

  it('refuses a malformed BECKON_ICE_SERVERS at start', () => {
    assert.throws(() => loadVoiceConfig({ BECKON_ICE_SERVERS: '["http://x"]' }), /BECKON_ICE_SERVERS/);
    assert.throws(() => loadVoiceConfig({ BECKON_ICE_SERVERS: '{' }), /not JSON/);
  });
});
