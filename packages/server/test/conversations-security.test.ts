import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentChatClient } from '@beckon/sdk/agent-client';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { FrameSocket, wsUrl } from '@beckon/sdk/frame-socket';
import { hashPassword } from '../src/auth/passwords.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror="alert(document.cookie)">',
  '<a href="javascript:alert(1)">click me</a>',
  '"><svg/onload=alert(1)>',
  '{{constructor.constructor("alert(1)")()}}',
];

describe('chat security: plain text, notes stay internal, account isolation, socket auth', {
  timeout: 60_000,
}, () => {
  let srv: TestServer;
  let sales: AgentChatClient;
  let visitor: VisitorChatClient;
  let id: string;
  let other: { cookie: string; agent: AgentChatClient; api: ApiClient };
  before(async () => {
    srv = await startTestServer({ demo: true });
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
    visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    id = visitor.conversation.id;
    await eventually(() => sales.offers.has(id), 3000, 'offer');
    await sales.accept(id);
    // Another account with its own agent, skill and site.
    const { store } = srv.node.ctx;
    const acct = await store.accounts.create('Other Co');
    const skill = await store.skills.create(acct.id, { name: 'Sales' });
    await store.sites.create(acct.id, { name: 'Other shop' });
    await store.users.create(acct.id, {
      email: 'agent@other.example',
      name: 'Other Agent',
      role: 'agent',
      passwordHash: await hashPassword('other-agent-pw'),
      skillIds: [skill.id],
    });
    const { cookie } = await cookieFor(srv, 'agent@other.example');
    const api = new ApiClient(srv.node.app);
    api.cookie = cookie;
    other = { cookie, agent: await AgentChatClient.connect(srv.url, { cookie }), api };
  });
  after(async () => {
    await other?.agent.disconnect();
    await sales?.disconnect();
    await visitor?.close();
    await srv.close();
  });

  it('stores and delivers hostile text verbatim as plain text, from both sides', async () => {
    for (const text of HOSTILE) {
      await visitor.send(text);
      await sales.send(id, text);
    }
    for (const text of HOSTILE) {
      assert.equal(
        (await sales.waitForMessage(id, (m) => m.text === text && m.senderKind === 'visitor')).text,
        text,
      );
      assert.equal(
        (await visitor.waitForMessage((m) => m.text === text && m.senderKind === 'agent')).text,
        text,
      );
    }
    const api = new ApiClient(srv.node.app);
    api.cookie = (await cookieFor(srv, 'sales@demo.beckon.local')).cookie;
    const res = await api.get(`/api/v1/conversations/${id}`);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    for (const text of HOSTILE)
      assert.equal(res.body.messages.filter((m: { text: string }) => m.text === text).length, 2);
    const transcript = await api.get(`/api/v1/conversations/${id}/transcript`);
    assert.match(String(transcript.headers['content-type']), /^text\/plain/);
    assert.equal(transcript.headers['x-content-type-options'], 'nosniff');
    assert.ok(String(transcript.body).includes(HOSTILE[0]!), 'kept as text, not escaped or stripped');
  });

  it('rejects oversized and malformed messages and replaces NUL characters', async () => {
    await assert.rejects(visitor.send('x'.repeat(4001)), { code: 'bad_frame' });
    await assert.rejects(sales.send(id, ''), { code: 'empty_message' });
    const ack = await visitor.send('a\u0000b');
    const stored = await srv.node.ctx.store.messages.after(srv.demo!.accountId, id, ack.seq - 1, {
      limit: 1,
    });
    assert.equal(stored[0]!.text, 'a\uFFFDb');
  });

  it('never delivers internal notes to the visitor, over the socket or REST', async () => {
    const note = await sales.send(id, 'internal: customer seems annoyed', { note: true });
    const after = await sales.send(id, 'public line after the note');
    await visitor.waitForMessage((m) => m.text === 'public line after the note');
    assert.equal(
      visitor.messages.some((m) => m.seq === note.seq || m.text.includes('internal:')),
      false,
    );
    const api = new ApiClient(srv.node.app);
    const res = await api.request('GET', '/api/v1/chat/messages?afterSeq=0', undefined, {
      'x-beckon-chat-token': visitor.token,
    });
    assert.equal(
      res.body.items.some((m: { text: string }) => m.text.includes('internal:')),
      false,
    );
    assert.ok(res.body.items.some((m: { seq: number }) => m.seq === after.seq));
  });

  it('keeps another account out: 404 over REST, not_found over the socket', async () => {
    for (const path of [
      `/api/v1/conversations/${id}`,
      `/api/v1/conversations/${id}/messages`,
      `/api/v1/conversations/${id}/transcript`,
    ]) {
      assert.equal((await other.api.get(path)).status, 404, path);
    }
    for (const [path, body] of [
      [`/api/v1/conversations/${id}/messages`, { echoId: 'x1', text: 'hi' }],
      [`/api/v1/conversations/${id}/accept`, {}],
      [`/api/v1/conversations/${id}/transfer`, { skillId: srv.demo!.skillIds.sales }],
      [`/api/v1/conversations/${id}/close`, {}],
    ] as const) {
      const res = await other.api.post(path, body);
      assert.ok([403, 404].includes(res.status), `${path}: ${res.status}`);
      assert.notEqual(res.status, 200);
    }
    assert.equal((await other.api.get('/api/v1/conversations')).body.items.length, 0);
    await assert.rejects(other.agent.watch(id), { code: 'not_found' });
    await assert.rejects(other.agent.accept(id), { code: 'not_found' });
    await assert.rejects(other.agent.send(id, 'hello from outside'), { code: 'not_found' });
    await assert.rejects(other.agent.close(id), { code: 'not_found' });
    const c = await srv.node.ctx.store.conversations.get(srv.demo!.accountId, id);
    assert.equal(c.status, 'active');
  });

  it('lets an agent see only their own chats and their skills’ queues', async () => {
    const support = await connectAgent(srv, 'support@demo.beckon.local', false);
    try {
      // Support has the Sales skill, but this chat is active with sales: not theirs to read.
      await assert.rejects(support.watch(id), { code: 'not_found' });
      const api = new ApiClient(srv.node.app);
      api.cookie = (await cookieFor(srv, 'support@demo.beckon.local')).cookie;
      assert.equal((await api.get(`/api/v1/conversations/${id}`)).status, 404);
    } finally {
      await support.disconnect();
    }
  });

  it('authenticates the visitor socket: token, first frame, own conversation only, origin', async () => {
    const raw = async (first: object | string, headers: Record<string, string> = {}) => {
      const s = FrameSocket.connect(wsUrl(srv.url, '/v1/chat'), headers);
      await s.opened;
      s.ws.send(typeof first === 'string' ? first : JSON.stringify(first));
      return s.closed;
    };
    assert.equal((await raw({ type: 'hello', token: 'ct_not-a-real-token' })).code, 4401);
    assert.equal((await raw('not json')).code, 4400);
    assert.equal((await raw({ type: 'send', echoId: 'e', text: 'hi' })).code, 4401);
    await srv.node.ctx.store.sites.update(srv.demo!.accountId, srv.demo!.siteId, {
      allowedOrigins: ['https://shop.example'],
    });
    try {
      assert.equal(
        (await raw({ type: 'start', siteKey: srv.demo!.siteKey }, { origin: 'https://evil.example' })).code,
        4403,
      );
      const ok = await VisitorChatClient.start(
        srv.url,
        srv.demo!.siteKey,
        {},
        { origin: 'https://shop.example' },
      );
      await ok.close();
    } finally {
      await srv.node.ctx.store.sites.update(srv.demo!.accountId, srv.demo!.siteId, { allowedOrigins: [] });
    }
    const mine = await VisitorChatClient.connect(srv.url, visitor.token);
    mine.frames.send({ type: 'send', echoId: 'x', text: 'sneaky', conversationId: 'conv_someone_else' });
    assert.equal((await mine.frames.closed).code, 4403);
  });

  it('refuses a chat start on an unknown site key or origin: 4403 on the socket, 403 over REST', async () => {
    const refused = async (siteKey: string, headers: Record<string, string> = {}) => {
      const s = FrameSocket.connect<{ type: string; code?: string; message?: string }>(
        wsUrl(srv.url, '/v1/chat'),
        headers,
      );
      const errors = s.next((f) => f.type === 'error');
      await s.opened;
      s.send({ type: 'start', siteKey });
      const { code, message } = await errors;
      return { close: (await s.closed).code, code, message };
    };
    const start = async (headers: Record<string, string>) => {
      const res = await new ApiClient(srv.node.app).request(
        'POST',
        '/api/v1/chat/conversations',
        {},
        headers,
      );
      return { status: res.status, ...res.body.error };
    };
    const unknown = { code: 'forbidden', message: 'unknown site key' };
    assert.deepEqual(await refused('nope'), { close: 4403, ...unknown });
    assert.deepEqual(await start({ 'x-beckon-site-key': 'nope' }), { status: 403, ...unknown });
    // Naming no site at all is unauthenticated, as for every other API route.
    assert.equal((await start({})).status, 401);
    await srv.node.ctx.store.sites.update(srv.demo!.accountId, srv.demo!.siteId, {
      allowedOrigins: ['https://shop.example'],
    });
    try {
      const elsewhere = { code: 'forbidden', message: 'this origin may not use this site key' };
      const origin = { origin: 'https://evil.example' };
      assert.deepEqual(await refused(srv.demo!.siteKey, origin), { close: 4403, ...elsewhere });
      const site = { 'x-beckon-site-key': srv.demo!.siteKey };
      assert.deepEqual(await start({ ...site, ...origin }), { status: 403, ...elsewhere });
    } finally {
      await srv.node.ctx.store.sites.update(srv.demo!.accountId, srv.demo!.siteId, { allowedOrigins: [] });
    }
    // Counted with the other refusals of the chat socket.
    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    assert.match(metrics, /beckon_ws_rejected_total\{endpoint="chat",reason="forbidden"\} [1-9]/);
  });

  it('authenticates the agent socket: session cookie, console origin, no analysts', async () => {
    const open = async (headers: Record<string, string>) => {
      const s = FrameSocket.connect(wsUrl(srv.url, '/v1/agent'), headers);
      await s.opened;
      return s.closed;
    };
    assert.equal((await open({})).code, 4401);
    assert.equal((await open({ cookie: 'beckon_session=forged' })).code, 4401);
    const { cookie } = await cookieFor(srv, 'sales@demo.beckon.local');
    assert.equal((await open({ cookie, origin: 'https://evil.example' })).code, 4403);
    const { store } = srv.node.ctx;
    await store.users.create(srv.demo!.accountId, {
      email: 'analyst@demo.beckon.local',
      name: 'An',
      role: 'analyst',
      passwordHash: 'x',
    });
    assert.equal(
      (await open({ cookie: (await cookieFor(srv, 'analyst@demo.beckon.local')).cookie })).code,
      4403,
    );
    const ok = await AgentChatClient.connect(srv.url, { cookie, origin: new URL(srv.url).origin });
    await ok.disconnect();
  });
});
