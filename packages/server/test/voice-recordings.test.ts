import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallView } from '@beckon/protocol/call-protocol';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { CallRequests } from '@beckon/sdk/call-requests';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import { hashPassword } from '../src/auth/passwords.ts';
import { chatOf } from '../src/conversations/chat-module.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();

/** A WebM file begins with the EBML magic; the rest of a chunk is opaque to the server. */
const EBML = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
const chunkOf = (n: number, fill: number, first = false) => {
  const b = Buffer.alloc(n, fill);
  if (first) EBML.copy(b);
  return b;
};

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`call recordings (${store})`, { timeout: 60_000 }, () => {
    const skip = store === 'postgres' ? PG_SKIP : null;
    let srv: TestServer;
    let sales: AgentChatClient;
    let support: AgentChatClient;
    let admin: ApiClient;
    let salesAuth: { cookie: string; csrf: string };
    let supportAuth: { cookie: string; csrf: string };
    let otherAuth: { cookie: string; csrf: string };

    before(async () => {
      if (skip) return;
      srv = await startTestServer({
        demo: true,
        store,
        // 10 KB per recording here, so the cap is reached in a few chunks.
        env: { BECKON_RECORDING_MAX_MB: String(10 / 1024), BECKON_CALL_STARTS_PER_MINUTE: '50' },
      });
      sales = await connectAgent(srv, 'sales@demo.beckon.local');
      support = await connectAgent(srv, 'support@demo.beckon.local');
      salesAuth = await cookieFor(srv, 'sales@demo.beckon.local');
      supportAuth = await cookieFor(srv, 'support@demo.beckon.local');
      admin = new ApiClient(srv.node.app);
      assert.equal((await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password)).status, 200);
      const { store: s } = srv.node.ctx;
      const other = await s.accounts.create('Other Co');
      await s.users.create(other.id, {
        email: 'owner@other.example',
        name: 'Other',
        role: 'owner',
        passwordHash: await hashPassword('other-owner-pw'),
      });
      otherAuth = await cookieFor(srv, 'owner@other.example');
    });
    after(async () => {
      if (skip) return;
      for (const a of [sales, support]) await a?.disconnect();
      await srv.close();
    });

    const calls = (c: AgentChatClient | VisitorChatClient) => new CallRequests(c.frames as never);
    const sendChunk = (
      callId: string,
      seq: number,
      body: Buffer,
      auth = salesAuth,
      type = 'audio/webm;codecs=opus',
    ) =>
      fetch(`${srv.url}/api/v1/calls/${callId}/recording/chunks?seq=${seq}`, {
        method: 'POST',
        body,
        headers: { cookie: auth.cookie, 'x-csrf-token': auth.csrf, 'content-type': type },
      });
    const finish = (callId: string, auth = salesAuth) =>
      fetch(`${srv.url}/api/v1/calls/${callId}/recording/finish`, {
        method: 'POST',
        headers: { cookie: auth.cookie, 'x-csrf-token': auth.csrf },
      });
    const get = (url: string, auth = salesAuth) =>
      fetch(`${srv.url}${url}`, { headers: { cookie: auth.cookie } });
    const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

    /** A call answered by the sales agent in a chat they hold. */
    async function answeredCall(): Promise<{ visitor: VisitorChatClient; id: string; call: CallView }> {
      await support.setStatus('away');
      const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, name: 'Ada' });
      const id = visitor.conversation.id;
      await eventually(() => sales.offers.has(id), 3000, 'offer');
      await sales.accept(id);
      await support.setStatus('online');
      const v = calls(visitor);
      const a = calls(sales);
      const ringing = a.nextCall((c) => c.state === 'ringing' && c.ringingAgentId === sales.profile.id);
      await v.start();
      const rung = await ringing;
      const seen = v.nextCall((c) => c.state === 'active');
      await a.accept(rung.id);
      return { visitor, id, call: await seen };
    }

    it('accepts no recording from a site that does not record calls', { skip: skip ?? false }, async () => {
      const { visitor, id, call } = await answeredCall();
      assert.equal(call.recorded, false);
      const res = await sendChunk(call.id, 0, chunkOf(2000, 1, true));
      assert.equal(res.status, 403);
      assert.equal(await code(res), 'recording_off');
      await calls(sales).hangup(call.id);
      await visitor.close();
      await sales.close(id);
    });

    it('records a call chunk by chunk, then keeps it as an attachment only staff who may read the chat can play', {
      skip: skip ?? false,
    }, async () => {
      // Only admins turn recording on.
      const asAgent = new ApiClient(srv.node.app);
      asAgent.cookie = salesAuth.cookie;
      asAgent.csrf = salesAuth.csrf;
      assert.equal(
        (await asAgent.patch(`/api/v1/sites/${srv.demo!.siteId}`, { recordCalls: true })).status,
        403,
      );
      const on = await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, { recordCalls: true });
      assert.equal(on.status, 200);
      assert.equal(on.body.recordCalls, true);

      const { visitor, id, call } = await answeredCall();
      // Both sides learn that the call is recorded before any audio is stored.
      assert.equal(call.recorded, true);

      // Bad chunks: not WebM, not the caller's call, another account, wrong type, too large, out of order.
      assert.equal((await sendChunk(call.id, 0, chunkOf(2000, 1))).status, 415);
      assert.equal((await sendChunk(call.id, 0, chunkOf(2000, 1, true), salesAuth, 'image/png')).status, 415);
      const notMine = await sendChunk(call.id, 0, chunkOf(2000, 1, true), supportAuth);
      assert.equal(notMine.status, 403);
      assert.equal((await sendChunk(call.id, 0, chunkOf(2000, 1, true), otherAuth)).status, 404);
      assert.equal((await sendChunk('call_nope', 0, chunkOf(2000, 1, true))).status, 404);
      assert.equal((await sendChunk(call.id, 0, chunkOf(1024 * 1024 + 1, 1, true))).status, 413);
      assert.equal((await sendChunk(call.id, 1, chunkOf(2000, 1))).status, 409);

      const first = chunkOf(3000, 1, true);
      const second = chunkOf(3000, 2);
      const r0 = await sendChunk(call.id, 0, first);
      assert.equal(r0.status, 201);
      await sales.waitForMessage(id, (m) => m.text === 'Recording started.');
      // A retry of a stored chunk is recognised and not appended twice.
      assert.equal((await sendChunk(call.id, 0, first)).status, 200);
      assert.equal((await sendChunk(call.id, 2, second)).status, 409);
      assert.equal((await sendChunk(call.id, 1, second)).status, 201);
      // The recording's cap (10 KB here) refuses what would pass it.
      const over = await sendChunk(call.id, 2, chunkOf(5000, 3));
      assert.equal(over.status, 413);

      await calls(sales).hangup(call.id);
      assert.equal((await finish(call.id, supportAuth)).status, 403);
      const done = await finish(call.id);
      assert.equal(done.status, 200);
      const { recording } = (await done.json()) as {
        recording: { size: number; attachment: { url: string } };
      };
      assert.equal(recording.size, 6000);
      // It is an attachment of the conversation, sent in a note the visitor never gets.
      const note = await sales.waitForMessage(id, (m) => /^Call recording/.test(m.text));
      assert.equal(note.senderKind, 'note');
      assert.equal(note.attachments[0]?.contentType, 'audio/webm');
      const audio = await get(recording.attachment.url);
      assert.equal(audio.status, 200);
      assert.equal(audio.headers.get('content-type'), 'audio/webm');
      assert.deepEqual(Buffer.from(await audio.arrayBuffer()), Buffer.concat([first, second]));
      // Someone who may not read the conversation cannot play it: another account, an agent of another skill.
      assert.equal((await get(recording.attachment.url, otherAuth)).status, 404);
      assert.equal((await get(recording.attachment.url, supportAuth)).status, 404);
      assert.equal((await get(`/api/v1/conversations/${id}/recordings`, otherAuth)).status, 404);
      const list = await get(`/api/v1/conversations/${id}/recordings`);
      const items = ((await list.json()) as { items: { status: string }[] }).items;
      assert.deepEqual(
        items.map((r) => r.status),
        ['complete'],
      );
      assert.ok(!visitor.messages.some((m) => /recording/i.test(m.text) && m.attachments.length > 0));
      // A chunk after the recording is finished is refused.
      assert.equal((await sendChunk(call.id, 2, chunkOf(100, 4))).status, 409);

      // Retention deletes recordings by age: the file and its attachment go.
      const recorder = chatOf(srv.node.ctx)!.recorder;
      assert.equal(await recorder.deleteOlderThan(srv.demo!.accountId, Date.now() + 1), 1);
      assert.equal((await get(recording.attachment.url)).status, 404);
      await visitor.close();
      await sales.close(id);
    });

    it('finishes a recording whose console went away once the call is over', {
      skip: skip ?? false,
    }, async () => {
      const { visitor, id, call } = await answeredCall();
      assert.equal(call.recorded, true);
      assert.equal((await sendChunk(call.id, 0, chunkOf(1500, 7, true))).status, 201);
      await calls(sales).hangup(call.id);
      const recorder = chatOf(srv.node.ctx)!.recorder;
      assert.equal(await recorder.sweep(Date.now() + 10 * 60_000), 1);
      const list = await get(`/api/v1/conversations/${id}/recordings`);
      const [rec] = ((await list.json()) as { items: { status: string; size: number }[] }).items;
      assert.equal(rec?.status, 'complete');
      assert.equal(rec?.size, 1500);
      await sales.waitForMessage(id, (m) => /^Call recording/.test(m.text));
      await visitor.close();
      await sales.close(id);
    });

    it('goes on recording after a transfer: the new agent records the next leg, and both legs are kept', {
      skip: skip ?? false,
    }, async () => {
      const { store: s } = srv.node.ctx;
      const { visitor, id, call } = await answeredCall();
      assert.equal(call.recorded, true);
      const first = chunkOf(2000, 5, true);
      assert.equal((await sendChunk(call.id, 0, first)).status, 201);
      // Transferred to Support: it rings there, Support answers on a new leg, still recorded for both sides.
      const rings = calls(support).nextCall(
        (c) => c.state === 'ringing' && c.ringingAgentId === support.profile.id,
      );
      const leg2 = calls(visitor).nextCall((c) => c.state === 'active' && c.leg === 2);
      await calls(sales).transfer(call.id, { agentId: support.profile.id });
      await rings;
      await calls(support).accept(call.id);
      const moved = await leg2;
      assert.equal(moved.agentId, support.profile.id);
      assert.equal(moved.recorded, true);
      // Sales's console finishes its leg; it may send no more.
      assert.equal((await finish(call.id)).status, 200);
      assert.equal((await sendChunk(call.id, 1, chunkOf(100, 6))).status, 403);
      // Support's console records the next leg, which starts with its own WebM header.
      assert.equal((await sendChunk(call.id, 1, chunkOf(100, 6), supportAuth)).status, 409);
      const second = chunkOf(2500, 8, true);
      assert.equal((await sendChunk(call.id, 0, second, supportAuth)).status, 201);
      assert.equal((await sendChunk(call.id, 0, second, supportAuth)).status, 200);
      await eventually(
        async () =>
          (await s.messages.after(srv.demo!.accountId, id, 0)).some(
            (m) => m.text === `Recording continues with ${support.profile.name}.`,
          ),
        3000,
        'the timeline says the recording goes on',
      );
      await calls(support).hangup(call.id);
      assert.equal((await finish(call.id, supportAuth)).status, 200);
      // Both legs are complete recordings of the conversation, each with its own audio.
      const list = await get(`/api/v1/conversations/${id}/recordings`, supportAuth);
      const items = (
        (await list.json()) as { items: { status: string; size: number; attachment: { url: string } }[] }
      ).items;
      assert.deepEqual(
        items.map((r) => [r.status, r.size]),
        [
          ['complete', 2000],
          ['complete', 2500],
        ],
      );
      for (const [i, bytes] of [first, second].entries()) {
        const audio = await get(items[i]!.attachment.url, supportAuth);
        assert.deepEqual(Buffer.from(await audio.arrayBuffer()), bytes);
      }
      await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, { recordCalls: false });
      await visitor.close();
      await support.close(id);
    });
  });
}
