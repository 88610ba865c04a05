import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { VisitorConversation, VisitorMessage } from '@beckon/protocol/chat-api';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { gradientPng } from '../../../e2e/helpers/sample-image.ts';
import { userHashOf } from '../../server/src/channels/identity.ts';
import { connectAgent, cookieFor, eventually } from '../../server/test/helpers/chat-fixtures.ts';
import { DEAD_TOKEN_PREFIX, type FakeFcm, startFakeFcm } from '../../server/test/helpers/push-providers.ts';
import { startTestServer, type TestServer } from '../../server/test/helpers/test-server.ts';
import type {
  FetchLike,
  MessagingConversation,
  MessagingError,
  MessagingMessage,
} from '../src/messaging/index.ts';
import { createNodeMessagingClient } from '../src/messaging/node.ts';

// The SDK's wire types must accept what the server sends (checked by the compiler).
const _message: MessagingMessage = {} as VisitorMessage;
const _conversation: MessagingConversation = {} as VisitorConversation;
void _message;
void _conversation;

describe('the messaging SDK in plain Node against a real server', () => {
  let srv: TestServer;
  let fcm: FakeFcm;
  let sales: AgentChatClient;
  let secret: string;
  before(async () => {
    fcm = await startFakeFcm();
    srv = await startTestServer({
      demo: true,
      // A user who closed the app counts as gone after a second (the push test waits for that).
      env: { BECKON_FCM_BASE_URL: fcm.url, BECKON_CHAT_VISITOR_AWAY_SECONDS: '1' },
    });
    const { accountId, siteId } = srv.demo!;
    secret = await srv.node.ctx.store.sites.identitySecret(accountId, siteId);
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await sales.disconnect();
    await srv.close();
    await fcm.close();
  });

  const client = () => createNodeMessagingClient({ baseUrl: srv.url, siteKey: srv.demo!.siteKey });
  const user = (userId: string) => ({ userId, userHash: userHashOf(secret, userId), name: 'Kim App' });

  it('has no DOM and no socket library in its core', () => {
    const dir = new URL('../src/messaging/', import.meta.url);
    for (const file of readdirSync(dir)) {
      if (file === 'node.ts') continue;
      const text = readFileSync(new URL(file, dir), 'utf8');
      assert.doesNotMatch(text, /from 'ws'|\bdocument\.|\bwindow\./, `${file} stays portable`);
    }
    assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
  });

  it('identifies, sends, receives the agent’s answer, and knows history and unread count', async () => {
    const app = client();
    const session = await app.identify(user('user-1'));
    assert.equal(session.conversation, null, 'no conversation before the first line');
    const received: MessagingMessage[] = [];
    app.on('message', (m) => received.push(m));

    const first = await app.send('Hi, my order is late');
    assert.equal(first.seq, 1);
    const conversationId = app.conversation!.id;
    const contact = await srv.node.ctx.store.contacts.get(srv.demo!.accountId, session.contactId);
    assert.equal(contact.externalId, 'user-1');
    assert.equal(contact.verified, true);

    await eventually(() => sales.offers.get(conversationId), 5000, 'the offer of the app conversation');
    await sales.accept(conversationId);
    await sales.send(conversationId, 'Sorry! It ships today.');
    const answer = await eventually(() => received.find((m) => m.senderKind === 'agent'), 5000, 'the answer');
    assert.equal(answer.text, 'Sorry! It ships today.');

    // A second line goes over the socket now that it is open.
    const second = await app.send('Thanks');
    assert.ok(second.seq > answer.seq);

    const history = await app.history();
    assert.deepEqual(
      history.filter((m) => m.senderKind !== 'system').map((m) => m.text),
      ['Hi, my order is late', 'Sorry! It ships today.', 'Thanks'],
    );
    assert.equal(await app.unreadCount(), 1, 'the agent’s answer is unread');
    await app.markRead();
    assert.equal(await app.unreadCount(), 0);

    // Another device of the same user sees the same conversation and what was read.
    const tablet = client();
    const again = await tablet.identify(user('user-1'));
    assert.equal(again.conversation?.id, conversationId);
    assert.equal(await tablet.unreadCount(), 0);
    assert.equal((await tablet.history()).length, history.length);
    tablet.close();
    app.close();
  });

  it('sends a line again when the server was unavailable or its answer was lost, and it is stored once', async () => {
    const line = 'Is the lamp in green?';
    const tries: string[] = [];
    // The first try finds the server unavailable; the second is stored but its answer is lost.
    const flaky: FetchLike = async (url, init) => {
      if (init.method === 'POST' && url.endsWith('/api/v1/messaging/messages')) {
        tries.push(tries.length === 0 ? '503' : tries.length === 1 ? 'lost' : 'answered');
        if (tries.length === 1)
          return new Response(
            JSON.stringify({ error: { code: 'store_unavailable', message: 'try again' } }),
            {
              status: 503,
            },
          );
        if (tries.length === 2) {
          await fetch(url, init);
          throw new TypeError('fetch failed');
        }
      }
      return fetch(url, init);
    };
    const app = createNodeMessagingClient({ baseUrl: srv.url, siteKey: srv.demo!.siteKey, fetch: flaky });
    await app.identify(user('user-retry'));
    const sent = await app.send(line);
    assert.deepEqual(tries, ['503', 'lost', 'answered']);
    const stored = (await app.history()).filter((m) => m.text === line);
    assert.equal(stored.length, 1, 'one line for three tries');
    assert.equal(sent.seq, stored[0]!.seq, 'the retry answered with the line the lost try stored');
    app.close();
  });

  it('sends a line written while the sign-in is still on its way', async () => {
    // A slow network: the sign-in answers late, and the user has already written.
    let answered = false;
    const slow: FetchLike = async (url, init) => {
      if (url.endsWith('/api/v1/messaging/session')) {
        await new Promise((r) => setTimeout(r, 300));
        const res = await fetch(url, init);
        answered = true;
        return res;
      }
      return fetch(url, init);
    };
    const app = createNodeMessagingClient({ baseUrl: srv.url, siteKey: srv.demo!.siteKey, fetch: slow });
    const signing = app.identify(user('user-quick'));
    const sent = await app.send('Are you open on Sundays?');
    assert.ok(answered, 'the line waited for the sign-in');
    assert.equal(sent.seq, 1);
    await signing;
    const history = await app.history();
    assert.deepEqual(
      history.filter((m) => m.senderKind === 'visitor').map((m) => m.text),
      ['Are you open on Sundays?'],
    );
    app.close();
  });

  it('does not send a refused line again', async () => {
    let tries = 0;
    const refusing: FetchLike = async (url, init) => {
      if (init.method === 'POST' && url.endsWith('/api/v1/messaging/messages')) {
        tries++;
        return new Response(JSON.stringify({ error: { code: 'bad_request', message: 'no' } }), {
          status: 400,
        });
      }
      return fetch(url, init);
    };
    const app = createNodeMessagingClient({ baseUrl: srv.url, siteKey: srv.demo!.siteKey, fetch: refusing });
    await app.identify(user('user-refused'));
    await assert.rejects(app.send('hello'), (err: MessagingError) => err.status === 400);
    assert.equal(tries, 1);
    app.close();
  });

  it('shows the agent typing and reading, sends a photo, and rates the ended chat', async () => {
    const app = client();
    await app.identify(user('user-photo'));
    const typing: boolean[] = [];
    app.on('typing', (t) => typing.push(t.typing));
    await assert.rejects(
      app.upload({ name: 'a.png', contentType: 'image/png', body: gradientPng(8, 8) }),
      /send a first line/,
    );
    const first = await app.send('Here is the broken part');
    const conversationId = app.conversation!.id;
    await eventually(() => sales.offers.get(conversationId), 5000, 'the offer');
    await sales.accept(conversationId);
    await eventually(() => app.conversation?.status === 'active', 5000, 'the agent joined');
    sales.typing(conversationId, true);
    await eventually(() => typing.includes(true), 5000, 'the agent typing');
    sales.read(conversationId, first.seq);
    await eventually(() => (app.conversation?.agentReadSeq ?? 0) >= first.seq, 5000, 'seen');

    const photo = await app.upload({
      name: 'part photo.png',
      contentType: 'image/png',
      body: gradientPng(16, 16),
    });
    assert.equal(photo.name, 'part photo.png');
    const sent = await app.send('', [photo]);
    assert.deepEqual(
      sent.attachments.map((a) => a.id),
      [photo.id],
    );
    const seen = await sales.waitForMessage(conversationId, (m) => m.attachments.length === 1);
    assert.equal(seen.attachments[0]!.name, 'part photo.png');
    const bytes = await fetch(photo.url);
    assert.equal(bytes.headers.get('content-type'), 'image/png');
    await assert.rejects(
      app.upload({ name: 'a.exe', contentType: 'application/x-msdownload', body: new Uint8Array([77, 90]) }),
      (err: Error) => (err as { status?: number }).status === 415,
    );

    const ended = await app.end();
    assert.equal(ended.status, 'closed');
    const rated = await app.rate(5, 'Quick and kind');
    assert.equal(rated.csatScore, 5);
    app.close();
  });

  it('refuses a forged hash, and a hash made for another user', async () => {
    const app = client();
    await assert.rejects(app.identify({ userId: 'user-1', userHash: 'ab'.repeat(32) }), (err: Error) => {
      assert.equal((err as { code?: string }).code, 'identity_unverified');
      assert.equal((err as { status?: number }).status, 401);
      return true;
    });
    await assert.rejects(
      app.identify({ userId: 'user-1', userHash: userHashOf(secret, 'user-2') }),
      /userHash does not match/,
    );
    await assert.rejects(app.send('sneaky'), /identify\(\) first/);
  });

  it('pushes an agent’s reply to a user who closed the app, drops dead tokens, and surfaces failing credentials', async () => {
    const { accountId, siteId } = srv.demo!;
    const admin = await cookieFor(srv, 'admin@demo.beckon.local');
    const put = (body: object) =>
      srv.node.app.inject({
        method: 'PUT',
        url: `/api/v1/sites/${siteId}/push`,
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
        payload: body,
      });
    const getSettings = async () =>
      (
        await srv.node.app.inject({ url: `/api/v1/sites/${siteId}/push`, headers: { cookie: admin.cookie } })
      ).json() as { fcm: { projectId: string } | null; lastError: { code: string; at: string } | null };

    const saved = await put({ fcm: { serviceAccount: fcm.serviceAccount() } });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json().fcm.projectId, 'beckon-test');
    assert.doesNotMatch(saved.body, /PRIVATE KEY/, 'the key is never shown');
    const bad = await put({ fcm: { serviceAccount: '{"project_id":"x"}' } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /\/fcm\/serviceAccount/);

    const app = client();
    await app.identify(user('user-push'));
    await app.registerPushToken({ platform: 'fcm', token: 'phone-token-1' });
    await app.registerPushToken({ platform: 'fcm', token: `${DEAD_TOKEN_PREFIX}-old-phone` });
    await app.send('Call me back?');
    const conversationId = app.conversation!.id;
    await eventually(() => sales.offers.get(conversationId), 5000, 'the offer');
    await sales.accept(conversationId);
    app.close();
    const here = srv.node.ctx;
    const { chatOf } = await import('../../server/src/conversations/chat-module.ts');
    await eventually(
      async () => !(await chatOf(here)!.visitors.here.members(accountId)).has(conversationId),
      5000,
      'the user to count as gone',
    );

    await sales.send(conversationId, 'We tried to call you.');
    const pushed = await eventually(
      () => fcm.messages.find((m) => m.token === 'phone-token-1'),
      5000,
      'a push',
    );
    assert.deepEqual(pushed.notification.body, 'We tried to call you.');
    assert.equal(pushed.data.conversationId, conversationId);
    const devices = await eventually(async () => {
      const d = await srv.node.ctx.store.appPush.devicesOf(accountId, siteId, app.contactId!);
      return d.length === 1 ? d : null;
    });
    assert.deepEqual(
      devices.map((d) => d.token),
      ['phone-token-1'],
      'the unregistered token was dropped',
    );

    // Credentials the provider refuses: the error shows in the settings; the line is still stored.
    assert.equal(
      (await put({ fcm: { serviceAccount: fcm.serviceAccount({ wrongKey: true }) } })).statusCode,
      200,
    );
    await sales.send(conversationId, 'Are you there?');
    const settings = await eventually(async () => {
      const s = await getSettings();
      return s.lastError ? s : null;
    });
    assert.equal(settings.lastError!.code, 'fcm_auth_failed');
    assert.ok(Date.parse(settings.lastError!.at) > 0);
    const later = client();
    await later.identify(user('user-push'));
    assert.ok(
      (await later.history()).some((m) => m.text === 'Are you there?'),
      'delivered in the app',
    );
    later.close();
  });
});
