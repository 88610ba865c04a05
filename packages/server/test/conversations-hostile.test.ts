import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { ApiClient, type ApiResponse } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { PNG } from './helpers/sample-files.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

const SCRIPT = '<script>alert(document.cookie)</script>';
const HANDLER = '<img src=x onerror="alert(1)">';
const LINK = '<a href="javascript:alert(1)">free shipping</a>';
const BARE = 'javascript:alert(1)';

/** Every answer is data (JSON), a plain-text download or the file itself — never a page a browser would run. */
function assertNotHtml(res: ApiResponse | Response, what: string): void {
  const type =
    res instanceof Response
      ? (res.headers.get('content-type') ?? '')
      : String(res.headers['content-type'] ?? '');
  assert.doesNotMatch(type, /html|xml|svg/i, `${what}: ${type}`);
  const nosniff =
    res instanceof Response
      ? res.headers.get('x-content-type-options')
      : res.headers['x-content-type-options'];
  assert.equal(nosniff, 'nosniff', what);
}

describe('hostile content is stored and returned verbatim as data, never as HTML', {
  timeout: 60_000,
}, () => {
  let srv: TestServer;
  let sales: AgentChatClient;
  let admin: ApiClient;
  let agentApi: ApiClient;
  before(async () => {
    srv = await startTestServer({ demo: true });
    admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const s = await cookieFor(srv, 'sales@demo.beckon.local');
    agentApi = new ApiClient(srv.node.app);
    agentApi.cookie = s.cookie;
    agentApi.csrf = s.csrf;
    // The agent's display name is hostile too: visitors see it as the name of who answers.
    await admin.patch(`/api/v1/users/${s.userId}`, { name: `Sam ${HANDLER}` });
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await sales?.disconnect();
    await srv.close();
  });

  it('from both sides: names, topic, texts, file names, wrap-up, CSAT, canned responses', async () => {
    const visitor = await startVisitor(srv, {
      skillId: srv.demo!.skillIds.sales,
      name: SCRIPT,
      email: `${HANDLER}@example.com`,
      topic: LINK,
      text: LINK,
    });
    const id = visitor.conversation.id;
    await eventually(() => sales.offers.has(id), 3000, 'offer');
    assert.equal(sales.offers.get(id)!.visitorName, SCRIPT);
    assert.equal(sales.offers.get(id)!.topic, LINK);
    await sales.accept(id);
    const active = await visitor.waitForConversation((c) => c.status === 'active');
    assert.equal(active.agentName, `Sam ${HANDLER}`);

    const file = await visitor.upload({ bytes: PNG, name: `${HANDLER}.png`, contentType: 'image/png' });
    await visitor.send(SCRIPT, undefined, [file]);
    await visitor.send(BARE);
    await sales.send(id, `${LINK} ${SCRIPT}`);
    await sales.send(id, `note: ${HANDLER}`, { note: true });
    const got = await sales.waitForMessage(id, (m) => m.text === BARE);
    assert.equal(got.text, BARE);
    assert.equal(
      sales.messages(id).find((m) => m.attachments.length > 0)!.attachments[0]!.name,
      `${HANDLER}.png`,
    );
    await visitor.waitForMessage((m) => m.text === `${LINK} ${SCRIPT}`);

    await sales.close(id, { disposition: SCRIPT, tags: [HANDLER, BARE] });
    await visitor.waitForConversation((c) => c.status === 'closed');
    visitor.csat(1, LINK);
    await eventually(
      async () => (await srv.node.ctx.store.conversations.get(srv.demo!.accountId, id)).csatComment === LINK,
      3000,
      'csat stored',
    );

    // Everything comes back exactly as sent, as JSON strings.
    const one = await agentApi.get(`/api/v1/conversations/${id}`);
    assertNotHtml(one, 'conversation');
    const c = one.body.conversation;
    assert.deepEqual(
      [c.visitorName, c.visitorEmail, c.topic, c.disposition, c.tags, c.csatComment],
      [SCRIPT, `${HANDLER}@example.com`, LINK, SCRIPT, [HANDLER, BARE], LINK],
    );
    const texts = one.body.messages.map((m: { text: string }) => m.text);
    for (const t of [LINK, SCRIPT, BARE, `${LINK} ${SCRIPT}`, `note: ${HANDLER}`])
      assert.ok(texts.includes(t), t);
    assert.ok(String(one.headers['content-type']).startsWith('application/json'));

    const search = await agentApi.get(`/api/v1/conversations?q=${encodeURIComponent('<script>')}`);
    assertNotHtml(search, 'search');
    assert.ok(search.body.items.some((x: { id: string }) => x.id === id));

    const transcript = await agentApi.get(`/api/v1/conversations/${id}/transcript`);
    assertNotHtml(transcript, 'transcript');
    assert.match(String(transcript.headers['content-type']), /^text\/plain/);
    assert.match(String(transcript.headers['content-disposition']), /^attachment/);
    assert.ok(String(transcript.body).includes(SCRIPT));

    const anon = new ApiClient(srv.node.app);
    const auth = { 'x-beckon-chat-token': visitor.token };
    const history = await anon.request('GET', '/api/v1/chat/messages', undefined, auth);
    assertNotHtml(history, 'visitor history');
    const seen = history.body.items.map((m: { text: string }) => m.text);
    assert.ok(seen.includes(SCRIPT) && seen.includes(`${LINK} ${SCRIPT}`));
    assert.equal(seen.includes(`note: ${HANDLER}`), false, 'notes stay internal');
    const view = await anon.request('GET', '/api/v1/chat/conversation', undefined, auth);
    assert.equal(view.body.agentName, `Sam ${HANDLER}`);

    const served = await fetch(
      history.body.items.find((m: { attachments: unknown[] }) => m.attachments.length).attachments[0].url,
    );
    assertNotHtml(served, 'attachment');
    assert.equal(served.headers.get('content-security-policy'), "sandbox; default-src 'none'");
    await visitor.close();
  });

  it('the offline form and canned responses keep markup as text too', async () => {
    const anon = new ApiClient(srv.node.app);
    const site = { 'x-beckon-site-key': srv.demo!.siteKey };
    const left = await anon.request(
      'POST',
      '/api/v1/chat/offline',
      { name: HANDLER, email: 'x@example.com', message: SCRIPT, topic: LINK },
      site,
    );
    assert.equal(left.status, 201);
    const got = await admin.get(`/api/v1/conversations/${left.body.conversationId}`);
    assert.deepEqual(
      [got.body.conversation.visitorName, got.body.conversation.topic, got.body.messages[0].text],
      [HANDLER, LINK, SCRIPT],
    );
    const canned = await admin.post('/api/v1/canned-responses', {
      shortcut: 'xss',
      title: SCRIPT,
      text: `${LINK} {visitor.name}`,
    });
    assert.equal(canned.status, 201);
    const list = await agentApi.get('/api/v1/canned-responses');
    assertNotHtml(list, 'canned');
    const item = list.body.items.find((x: { shortcut: string }) => x.shortcut === 'xss');
    assert.deepEqual([item.title, item.text], [SCRIPT, `${LINK} {visitor.name}`]);
  });

  it('never reflects request input into an HTML page', async () => {
    const anon = new ApiClient(srv.node.app);
    for (const path of [
      `/api/v1/${encodeURIComponent(SCRIPT)}`,
      `/api/v1/conversations/${encodeURIComponent(HANDLER)}`,
      `/api/v1/chat/attachments/${encodeURIComponent(SCRIPT)}?exp=1&sig=${encodeURIComponent(HANDLER)}`,
    ]) {
      const res = await agentApi.get(path);
      assertNotHtml(res, path);
      assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
    }
    const bad = await anon.request(
      'POST',
      '/api/v1/chat/conversations',
      { name: SCRIPT, extra: HANDLER },
      {
        'x-beckon-site-key': srv.demo!.siteKey,
      },
    );
    assert.equal(bad.status, 400);
    assertNotHtml(bad, 'validation error');
  });
});
