import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

describe('conversations over REST, for clients that cannot hold a socket', () => {
  let srv: TestServer;
  let anon: ApiClient;
  let agentApi: ApiClient;
  let sales: AgentChatClient;
  const site = () => ({ 'x-beckon-site-key': srv.demo!.siteKey });
  before(async () => {
    srv = await startTestServer({ demo: true });
    anon = new ApiClient(srv.node.app);
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
    const s = await cookieFor(srv, 'sales@demo.beckon.local');
    agentApi = new ApiClient(srv.node.app);
    agentApi.cookie = s.cookie;
    agentApi.csrf = s.csrf;
  });
  after(async () => {
    await sales.disconnect();
    await srv.close();
  });

  it('visitor: start with the pre-chat form, send idempotently, read after a sequence number, end, rate', async () => {
    const started = await anon.request(
      'POST',
      '/api/v1/chat/conversations',
      {
        visitorId: 'restv1',
        name: 'Lin',
        email: 'lin@example.com',
        topic: 'support',
        text: 'Printer on fire',
      },
      site(),
    );
    assert.equal(started.status, 201);
    const { token, conversation } = started.body;
    assert.match(token, /^ct_[0-9a-z]{40}$/);
    assert.equal(conversation.skillId, srv.demo!.skillIds.support, 'the topic chose the skill');
    const row = await srv.node.ctx.store.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', conversation.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(row.visitor_token_hash, token);
    assert.equal(JSON.stringify(row).includes(token), false, 'only the hash is stored');
    const auth = { 'x-beckon-chat-token': token };

    const sent = await anon.request('POST', '/api/v1/chat/messages', { echoId: 'r1', text: 'Hello?' }, auth);
    assert.equal(sent.status, 201);
    const retry = await anon.request(
      'POST',
      '/api/v1/chat/messages',
      { echoId: 'r1', text: 'Hello? (again)' },
      auth,
    );
    assert.equal(retry.status, 200);
    assert.deepEqual(
      [retry.body.duplicate, retry.body.message.seq, retry.body.message.text],
      [true, sent.body.message.seq, 'Hello?'],
    );
    const page = await anon.request(
      'GET',
      `/api/v1/chat/messages?afterSeq=${sent.body.message.seq - 1}`,
      undefined,
      auth,
    );
    assert.deepEqual(
      page.body.items.map((m: { text: string }) => m.text),
      ['Hello?'],
    );
    const all = await anon.request('GET', '/api/v1/chat/messages', undefined, auth);
    assert.equal(all.body.items[0].text, 'Printer on fire');
    const view = await anon.request('GET', '/api/v1/chat/conversation', undefined, auth);
    assert.equal(view.body.id, conversation.id);
    assert.equal(view.body.status, 'offline', 'no support agent is online');

    assert.equal(
      (await anon.request('POST', '/api/v1/chat/csat', { score: 4 }, auth)).status,
      409,
      'rate after the end',
    );
    const ended = await anon.request('POST', '/api/v1/chat/end', {}, auth);
    assert.equal(ended.body.status, 'closed');
    const rated = await anon.request('POST', '/api/v1/chat/csat', { score: 4, comment: 'ok' }, auth);
    assert.equal(rated.body.csatScore, 4);
    assert.equal((await anon.request('POST', '/api/v1/chat/csat', { score: 9 }, auth)).status, 400);
    assert.equal(
      (
        await anon.request('GET', '/api/v1/chat/conversation', undefined, {
          'x-beckon-chat-token': 'ct_wrong',
        })
      ).status,
      401,
    );
    assert.equal((await anon.request('GET', '/api/v1/chat/conversation')).status, 401);
  });

  it('visitor: the offline form after a chat that found no one joins that chat instead of starting another', async () => {
    // No Support agent is connected: the chat goes straight to the offline flow.
    const started = await anon.request(
      'POST',
      '/api/v1/chat/conversations',
      { visitorId: 'restoff', topic: 'support', text: 'Is the lamp dimmable?' },
      site(),
    );
    assert.equal(started.status, 201);
    assert.equal(started.body.conversation.status, 'offline');
    const token = started.body.token as string;
    const form = {
      name: 'Noor',
      email: 'noor@example.com',
      message: 'Please e-mail me',
      visitorId: 'restoff',
    };
    const res = await anon.request('POST', '/api/v1/chat/offline', form, {
      ...site(),
      'x-beckon-chat-token': token,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual([res.body.conversationId, res.body.token], [started.body.conversation.id, token]);
    const mine = await srv.node.ctx.store.db
      .selectFrom('conversations')
      .select(['id', 'visitor_name', 'visitor_email'])
      .where('visitor_id', '=', 'restoff')
      .execute();
    assert.deepEqual(mine, [
      { id: res.body.conversationId, visitor_name: 'Noor', visitor_email: 'noor@example.com' },
    ]);
    const messages = await srv.node.ctx.store.messages.after(
      srv.demo!.accountId,
      res.body.conversationId,
      0,
      {
        limit: 50,
      },
    );
    assert.deepEqual(
      messages.filter((m) => m.senderKind === 'visitor').map((m) => m.text),
      ['Is the lamp dimmable?', 'Please e-mail me'],
    );
    // A token that is not an offline chat, or is unknown, is refused with a clear error.
    const live = await anon.request(
      'POST',
      '/api/v1/chat/conversations',
      { visitorId: 'restoff2', topic: 'sales' },
      site(),
    );
    assert.equal(live.body.conversation.status, 'queued');
    const notOffline = await anon.request('POST', '/api/v1/chat/offline', form, {
      ...site(),
      'x-beckon-chat-token': live.body.token,
    });
    assert.deepEqual([notOffline.status, notOffline.body.error.code], [409, 'not_offline']);
    const unknown = await anon.request('POST', '/api/v1/chat/offline', form, {
      ...site(),
      'x-beckon-chat-token': 'ct_nope',
    });
    assert.equal(unknown.status, 401);
  });

  it('visitor: the offline form lands as a conversation to answer later', async () => {
    const res = await anon.request(
      'POST',
      '/api/v1/chat/offline',
      { name: 'Kim', email: 'kim@example.com', message: 'Call me back please', topic: 'Sales' },
      site(),
    );
    assert.equal(res.status, 201);
    const got = await agentApi.get(`/api/v1/conversations/${res.body.conversationId}`);
    assert.equal(got.status, 200, 'an agent with the skill sees it');
    assert.deepEqual(
      [
        got.body.conversation.status,
        got.body.conversation.source,
        got.body.conversation.visitorEmail,
        got.body.messages[0].text,
      ],
      ['offline', 'offline_form', 'kim@example.com', 'Call me back please'],
    );
    const list = await agentApi.get('/api/v1/conversations?status=offline');
    assert.ok(list.body.items.some((c: { id: string }) => c.id === res.body.conversationId));
    // Answering later: take it, reply.
    const taken = await agentApi.post(`/api/v1/conversations/${res.body.conversationId}/accept`);
    assert.equal(taken.status, 200);
    assert.equal(taken.body.status, 'active');
    const reply = await agentApi.post(`/api/v1/conversations/${res.body.conversationId}/messages`, {
      echoId: 'ans1',
      text: 'Calling now',
    });
    assert.equal(reply.status, 201);
    // No e-mail goes out in this release: the visitor reads the answer when they come back.
    assert.match(res.body.token, /^ct_/);
    const back = await anon.request('GET', '/api/v1/chat/messages', undefined, {
      'x-beckon-chat-token': res.body.token,
    });
    assert.deepEqual(
      back.body.items
        .map((m: { text: string }) => m.text)
        .filter((t: string) => t !== 'Sales Agent joined the chat.'),
      ['Call me back please', 'Calling now'],
    );
    assert.equal(
      (
        await anon.request(
          'POST',
          '/api/v1/chat/offline',
          { name: 'x', email: 'not-an-email', message: 'x' },
          site(),
        )
      ).status,
      400,
    );
  });

  it('agent: accept, send, note, transfer and close over REST; history pages; CSRF and roles enforced', async () => {
    const started = await anon.request(
      'POST',
      '/api/v1/chat/conversations',
      { skillId: srv.demo!.skillIds.sales, text: 'REST hi' },
      site(),
    );
    const id = started.body.conversation.id;
    await eventually(() => sales.offers.has(id), 3000, 'offer');
    const accepted = await agentApi.post(`/api/v1/conversations/${id}/accept`);
    assert.equal(accepted.status, 200);
    const m = await agentApi.post(`/api/v1/conversations/${id}/messages`, {
      echoId: 'm1',
      text: 'Hello from REST',
    });
    assert.equal(m.status, 201);
    const n = await agentApi.post(`/api/v1/conversations/${id}/messages`, {
      echoId: 'n1',
      text: 'a note',
      note: true,
    });
    assert.equal(n.body.message.senderKind, 'note');
    const after = await agentApi.get(
      `/api/v1/conversations/${id}/messages?afterSeq=${m.body.message.seq - 1}`,
    );
    assert.deepEqual(
      after.body.items.map((x: { text: string }) => x.text),
      ['Hello from REST', 'a note'],
    );
    const noCsrf = new ApiClient(srv.node.app);
    noCsrf.cookie = agentApi.cookie;
    assert.equal((await noCsrf.post(`/api/v1/conversations/${id}/close`, {})).status, 403);
    assert.equal(
      (await agentApi.post(`/api/v1/conversations/${id}/transfer`, {})).status,
      400,
      'agentId or skillId',
    );
    const closed = await agentApi.post(`/api/v1/conversations/${id}/close`, {
      disposition: 'resolved',
      tags: ['rest'],
    });
    assert.equal(closed.body.status, 'closed');
    const page1 = await agentApi.get('/api/v1/conversations?limit=1');
    assert.equal(page1.body.items.length, 1);
    assert.ok(page1.body.nextCursor);
    const page2 = await agentApi.get(`/api/v1/conversations?limit=1&cursor=${page1.body.nextCursor}`);
    assert.notEqual(page2.body.items[0].id, page1.body.items[0].id);
    const queues = await agentApi.get('/api/v1/queues');
    assert.equal(queues.status, 200);
    const admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    assert.ok(
      (await admin.get('/api/v1/conversations')).body.items.length >= 2,
      'a supervisor sees everything',
    );
  });

  it('documents every conversation route in the OpenAPI document', async () => {
    const admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const doc = (await admin.get('/api/openapi.json')).body;
    for (const p of [
      '/api/v1/conversations',
      '/api/v1/conversations/{id}',
      '/api/v1/conversations/{id}/messages',
      '/api/v1/conversations/{id}/accept',
      '/api/v1/conversations/{id}/transfer',
      '/api/v1/conversations/{id}/close',
      '/api/v1/conversations/{id}/transcript',
      '/api/v1/queues',
      '/api/v1/chat/conversations',
      '/api/v1/chat/messages',
      '/api/v1/chat/offline',
      '/api/v1/chat/csat',
      '/api/v1/chat/topics',
      '/api/v1/chat/attachments',
      '/api/v1/chat/attachments/{id}',
      '/api/v1/conversations/{id}/attachments',
      '/api/v1/conversations/{id}/attachments/{attachmentId}',
      '/api/v1/canned-responses',
      '/api/v1/canned-responses/{id}',
    ]) {
      assert.ok(doc.paths[p], `${p} documented`);
    }
  });
});
