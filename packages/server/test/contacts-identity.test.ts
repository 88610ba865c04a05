import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { identifyEvent, pageView } from '@beckon/sdk/index';
import { userHashOf } from '../src/channels/identity.ts';
import { CHAT_TOKEN_HEADER, SITE_KEY_HEADER } from '../src/conversations/visitor-token.ts';
import { eventually, newTenant, runtime, visitor } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

describe('contacts from forms, the tag and identify, with identity verification', () => {
  let srv: TestServer;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let secret: string;
  const store = () => srv.node.ctx.store;
  const site = () => ({ [SITE_KEY_HEADER]: t.site.siteKey });
  before(async () => {
    srv = await startTestServer();
    t = await newTenant(srv);
    secret = await store().sites.identitySecret(t.accountId, t.site.id);
  });
  after(() => srv.close());

  const startChat = async (body: Record<string, unknown>) => {
    const r = await t.api.request('POST', '/api/v1/chat/conversations', body, site());
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const found = await store().conversations.findByTokenHash(
      (await import('../src/conversations/visitor-token.ts')).hashVisitorToken(r.body.token),
    );
    return { token: r.body.token as string, conversation: found!.conversation };
  };

  /** The same user signs in on another device: identify gives a token that reads their open chat. */
  const readsOnPhone = async (userId: string, userHash: string, said: string) => {
    const phone = await t.api.request('POST', '/api/v1/chat/identify', { userId, userHash }, site());
    assert.equal(phone.status, 200, JSON.stringify(phone.body));
    assert.ok(phone.body.token, 'a token of the open chat');
    const read = await t.api.request('GET', '/api/v1/chat/messages', undefined, {
      [CHAT_TOKEN_HEADER]: phone.body.token,
    });
    assert.equal(read.status, 200);
    assert.ok(read.body.items.some((m: { text: string }) => m.text === said));
  };

  it('a pre-chat e-mail names an unverified contact, linked to the conversation and the visitor', async () => {
    const { conversation } = await startChat({
      visitorId: 'pre-1',
      name: 'Ana Ruiz',
      email: 'Ana@Example.com',
    });
    assert.ok(conversation.contactId);
    const contact = await store().contacts.get(t.accountId, conversation.contactId);
    assert.equal(contact.email, 'ana@example.com');
    assert.equal(contact.name, 'Ana Ruiz');
    assert.equal(contact.verified, false);
    assert.equal((await store().contacts.ofVisitor(t.accountId, t.site.id, 'pre-1'))?.id, contact.id);
    // The same e-mail again (another visit) finds the same contact.
    const again = await startChat({ visitorId: 'pre-2', email: 'ana@example.com' });
    assert.equal(again.conversation.contactId, contact.id);
  });

  it('the offline form names a contact, also when it completes a chat that turned offline', async () => {
    const r = await t.api.request(
      'POST',
      '/api/v1/chat/offline',
      { name: 'Bo', email: 'bo@example.com', message: 'Call me', visitorId: 'off-1' },
      site(),
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const c = await store().conversations.get(t.accountId, r.body.conversationId);
    assert.equal((await store().contacts.get(t.accountId, c.contactId!)).email, 'bo@example.com');

    const chat = await startChat({ visitorId: 'off-2' });
    assert.equal(chat.conversation.contactId, null, 'no e-mail given: no contact yet');
    const done = await t.api.request(
      'POST',
      '/api/v1/chat/offline',
      { name: 'Cy', email: 'cy@example.com', message: 'Later then' },
      { ...site(), [CHAT_TOKEN_HEADER]: chat.token },
    );
    assert.equal(done.status, 201, JSON.stringify(done.body));
    const joined = await store().conversations.get(t.accountId, chat.conversation.id);
    assert.equal((await store().contacts.get(t.accountId, joined.contactId!)).email, 'cy@example.com');
    assert.equal((await store().contacts.ofVisitor(t.accountId, t.site.id, 'off-2'))?.id, joined.contactId);
  });

  it('the tag: a personal e-mail and an identify without a hash give an unverified contact', async () => {
    const v = await visitor(srv, t.site.siteKey, 'tag-1');
    await v.sendBatch([
      pageView('https://shop.example/'),
      { type: 'attr', attrType: 'personal', value: { name: 'Di', email: 'di@example.com' }, ts: Date.now() },
      { type: 'attr', attrType: 'customer', value: { tier: 'gold' }, ts: Date.now() },
    ]);
    await runtime(srv).contacts.idle();
    const c = (await eventually(() => store().contacts.ofVisitor(t.accountId, t.site.id, 'tag-1')))!;
    assert.equal(c.email, 'di@example.com');
    assert.equal(c.verified, false);
    assert.deepEqual(c.attributes.customer, { tier: 'gold' });

    await v.sendBatch([identifyEvent({ userId: 'u-77', email: 'eve@example.com' })]);
    await runtime(srv).contacts.idle();
    const e = await store().contacts.ofVisitor(t.accountId, t.site.id, 'tag-1');
    assert.equal(e?.email, 'eve@example.com');
    assert.equal(e?.verified, false);
    assert.equal(e?.externalId, null, 'a user id without a hash is not trusted');
    await v.close();
  });

  it('the tag: a good hash makes a verified contact; a forged one or one for another user is refused', async () => {
    const v = await visitor(srv, t.site.siteKey, 'tag-2');
    const good = userHashOf(secret, 'user-1');
    await v.sendBatch([
      identifyEvent({ userId: 'user-1', email: 'fay@example.com', name: 'Fay' }, { userHash: good }),
    ]);
    await runtime(srv).contacts.idle();
    const fay = await store().contacts.ofVisitor(t.accountId, t.site.id, 'tag-2');
    assert.equal(fay?.verified, true);
    assert.equal(fay?.externalId, 'user-1');
    assert.equal(fay?.email, 'fay@example.com');

    const w = await visitor(srv, t.site.siteKey, 'tag-3');
    // A forged hash, and user-1's real hash presented for user-2: both refused, nothing linked.
    await w.sendBatch([
      pageView('https://shop.example/a'),
      identifyEvent({ userId: 'user-1' }, { userHash: 'ab'.repeat(32) }),
    ]);
    await runtime(srv).contacts.idle();
    await eventually(() => w.errors.find((e) => e.code === 'identity_unverified'));
    await w.sendBatch([identifyEvent({ userId: 'user-2' }, { userHash: good })]);
    await runtime(srv).contacts.idle();
    await eventually(() => w.errors.filter((e) => e.code === 'identity_unverified').length === 2);
    assert.equal(await store().contacts.ofVisitor(t.accountId, t.site.id, 'tag-3'), undefined);
    assert.equal(w.errors.length, 2, 'the rest of the batch was kept');

    // A verified identity claiming the verified e-mail of user-1 is refused as a conflict.
    await w.sendBatch([
      identifyEvent(
        { userId: 'user-3', email: 'FAY@example.com' },
        { userHash: userHashOf(secret, 'user-3') },
      ),
    ]);
    await runtime(srv).contacts.idle();
    await eventually(() => w.errors.find((e) => e.code === 'identity_conflict'));
    assert.equal(await store().contacts.ofVisitor(t.accountId, t.site.id, 'tag-3'), undefined);

    // A typed e-mail afterwards does not take the verified visitor away from its contact.
    await v.sendBatch([
      { type: 'attr', attrType: 'personal', value: { email: 'other@example.com' }, ts: Date.now() },
    ]);
    await runtime(srv).contacts.idle();
    assert.equal((await store().contacts.ofVisitor(t.accountId, t.site.id, 'tag-2'))?.id, fay!.id);
    await v.close();
    await w.close();
  });

  it('identify first, chat after: the chat is the contact’s, and a second device picks it up', async () => {
    const hash = userHashOf(secret, 'user-40');
    const signedIn = await t.api.request(
      'POST',
      '/api/v1/chat/identify',
      { visitorId: 'first-1', userId: 'user-40', userHash: hash, name: 'Hal' },
      site(),
    );
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    assert.equal(signedIn.body.token, undefined, 'nothing to pick up yet');
    const contactId = signedIn.body.contact.id as string;
    // A later page of the same visitor starts a chat, with a typed e-mail in the pre-chat form.
    const chat = await startChat({
      visitorId: 'first-1',
      email: 'typed@example.com',
      text: 'Where is my order?',
    });
    assert.equal(chat.conversation.contactId, contactId);
    // The same user on a phone gets the chat and can read it.
    await readsOnPhone('user-40', hash, 'Where is my order?');

    // An offline message and a callback asked for by the same visitor are the contact's too.
    const offline = await t.api.request(
      'POST',
      '/api/v1/chat/offline',
      { name: 'Hal', email: 'hal@example.com', message: 'Call me', visitorId: 'first-1' },
      site(),
    );
    assert.equal(offline.status, 201, JSON.stringify(offline.body));
    assert.equal(
      (await store().conversations.get(t.accountId, offline.body.conversationId)).contactId,
      contactId,
    );
    const hour = 3_600_000;
    const callback = await t.api.request(
      'POST',
      '/api/v1/chat/callback',
      {
        visitorId: 'first-1',
        phone: '+4915112345678',
        windowStart: new Date(Date.now() + hour).toISOString(),
        windowEnd: new Date(Date.now() + 2 * hour).toISOString(),
      },
      site(),
    );
    assert.equal(callback.status, 201, JSON.stringify(callback.body));
    const ofHal = await store().conversations.ofContact(t.accountId, contactId);
    assert.ok(
      ofHal.some((c) => c.channel === 'voice'),
      'the callback request is the contact’s too',
    );
  });

  it('identify over the tag first, chat after: the chat is the contact’s', async () => {
    const v = await visitor(srv, t.site.siteKey, 'first-2');
    await v.sendBatch([
      pageView('https://shop.example/'),
      identifyEvent({ userId: 'user-41', name: 'Ida' }, { userHash: userHashOf(secret, 'user-41') }),
    ]);
    await runtime(srv).contacts.idle();
    const ida = await eventually(() => store().contacts.ofVisitor(t.accountId, t.site.id, 'first-2'));
    assert.equal(ida?.verified, true);
    const chat = await startChat({ visitorId: 'first-2' });
    assert.equal(chat.conversation.contactId, ida!.id);
    await v.close();
  });

  it('chat first, identify over the tag after: the chat moves to the verified contact', async () => {
    const chat = await startChat({ visitorId: 'later-1', email: 'jo@example.com' });
    const typed = chat.conversation.contactId;
    const v = await visitor(srv, t.site.siteKey, 'later-1');
    await v.sendBatch([
      pageView('https://shop.example/'),
      identifyEvent({ userId: 'user-42', name: 'Jo' }, { userHash: userHashOf(secret, 'user-42') }),
    ]);
    await runtime(srv).contacts.idle();
    const jo = await store().contacts.ofVisitor(t.accountId, t.site.id, 'later-1');
    assert.equal(jo?.verified, true);
    assert.notEqual(jo!.id, typed);
    assert.equal((await store().conversations.get(t.accountId, chat.conversation.id)).contactId, jo!.id);
    await v.close();
  });

  it('a shared browser: the next user’s identify revokes the first one’s chat token there', async () => {
    const identifyAs = (userId: string, token?: string) =>
      t.api.request(
        'POST',
        '/api/v1/chat/identify',
        { visitorId: 'shared-1', userId, userHash: userHashOf(secret, userId) },
        token ? { ...site(), [CHAT_TOKEN_HEADER]: token } : site(),
      );
    assert.equal((await identifyAs('user-50')).status, 200);
    const kim = await startChat({ visitorId: 'shared-1', text: 'My card ends in 4242' });
    const lee = await identifyAs('user-51', kim.token);
    assert.equal(lee.status, 200, JSON.stringify(lee.body));
    assert.equal(lee.body.released, true);
    assert.equal(lee.body.token, undefined, 'Lee has no chat of his own yet');
    assert.deepEqual(lee.body.conversations, []);
    const read = await t.api.request('GET', '/api/v1/chat/messages', undefined, {
      [CHAT_TOKEN_HEADER]: kim.token,
    });
    assert.equal(read.status, 401, 'the browser’s token opens nothing any more');
    const kept = await store().conversations.get(t.accountId, kim.conversation.id);
    assert.equal(kept.contactId, kim.conversation.contactId, 'the chat stays Kim’s');
    // Lee's chat on this browser is his; Kim still reads hers elsewhere.
    const leeChat = await startChat({ visitorId: 'shared-1' });
    assert.equal(leeChat.conversation.contactId, lee.body.contact.id);
    await readsOnPhone('user-50', userHashOf(secret, 'user-50'), 'My card ends in 4242');
  });

  it('REST identify: verified users get their chat on a second device; forged hashes get nothing', async () => {
    const chat = await startChat({ visitorId: 'dev-1', text: 'Hello from my laptop' });
    const hash = userHashOf(secret, 'user-9');
    const first = await t.api.request(
      'POST',
      '/api/v1/chat/identify',
      { visitorId: 'dev-1', userId: 'user-9', userHash: hash, name: 'Gil', email: 'gil@example.com' },
      { ...site(), [CHAT_TOKEN_HEADER]: chat.token },
    );
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.contact.name, 'Gil');
    assert.equal(first.body.token, undefined, 'the caller already holds this chat');
    assert.equal(first.body.conversationId, chat.conversation.id);
    assert.deepEqual(
      first.body.conversations.map((c: { id: string }) => c.id),
      [chat.conversation.id],
    );

    // The same user on a phone: a fresh token that opens the laptop's conversation.
    await readsOnPhone('user-9', hash, 'Hello from my laptop');

    // Forged, and another user's hash: 403, no token, no conversations.
    for (const userHash of ['00'.repeat(32), hash]) {
      const r = await t.api.request('POST', '/api/v1/chat/identify', { userId: 'user-10', userHash }, site());
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'identity_unverified');
      assert.equal(r.body.token, undefined);
    }
    // Claiming user-9's verified e-mail under another verified id: 409.
    const clash = await t.api.request(
      'POST',
      '/api/v1/chat/identify',
      { userId: 'user-11', userHash: userHashOf(secret, 'user-11'), email: 'gil@example.com' },
      site(),
    );
    assert.equal(clash.status, 409);
    assert.equal(clash.body.error.code, 'identity_conflict');
    // A typed e-mail (unverified) never joins the verified contact nor sees its conversation.
    const typed = await startChat({ visitorId: 'dev-2', email: 'gil@example.com' });
    assert.notEqual(typed.conversation.contactId, first.body.contact.id);
    // Bad input: missing hash is a 400.
    const bad = await t.api.request('POST', '/api/v1/chat/identify', { userId: 'user-9' }, site());
    assert.equal(bad.status, 400);
  });
});
