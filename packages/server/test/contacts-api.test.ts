import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userHashOf, verifyUserHash } from '../src/channels/identity.ts';
import { SITE_KEY_HEADER } from '../src/conversations/visitor-token.ts';
import { newTenant } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

describe('the contacts API: search, page, edits, notes, merge and undo, export, identity secret', () => {
  let srv: TestServer;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let other: Awaited<ReturnType<typeof newTenant>>;
  const store = () => srv.node.ctx.store;
  before(async () => {
    srv = await startTestServer();
    t = await newTenant(srv);
    other = await newTenant(srv);
  });
  after(() => srv.close());

  const start = async (body: Record<string, unknown>) => {
    const r = await t.api.request('POST', '/api/v1/chat/conversations', body, {
      [SITE_KEY_HEADER]: t.site.siteKey,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  };

  it('finds contacts by name, e-mail or phone, pages them, and opens one with its conversations', async () => {
    await start({ visitorId: 'api-1', name: 'Lena Park', email: 'lena@example.com', text: 'Hi' });
    await start({ visitorId: 'api-2', name: 'Max Roe', email: 'max@example.com' });
    await store().contacts.resolve(t.accountId, { phone: '+1 415 555 0100', name: 'Nia' });
    const byMail = await t.api.get('/api/v1/contacts?q=LENA@example');
    assert.equal(byMail.status, 200, JSON.stringify(byMail.body));
    assert.deepEqual(
      byMail.body.items.map((c: { name: string }) => c.name),
      ['Lena Park'],
    );
    assert.deepEqual(byMail.body.items[0].channels, ['web']);
    assert.equal((await t.api.get('/api/v1/contacts?q=max')).body.items[0].email, 'max@example.com');
    assert.equal((await t.api.get('/api/v1/contacts?q=555-0100')).body.items[0].name, 'Nia');
    // An address's digits are not a phone number: Nia's phone holds 555, yet she is not found.
    assert.deepEqual((await t.api.get('/api/v1/contacts?q=jo555%40example.com')).body.items, []);

    const first = await t.api.get('/api/v1/contacts?limit=2');
    assert.equal(first.body.items.length, 2);
    assert.ok(first.body.nextCursor);
    const second = await t.api.get(`/api/v1/contacts?limit=2&cursor=${first.body.nextCursor}`);
    assert.equal(second.body.items.length, 1);
    assert.equal(second.body.nextCursor, null);
    assert.equal((await t.api.get('/api/v1/contacts?cursor=nonsense')).status, 400);

    const id = byMail.body.items[0].id;
    const page = await t.api.get(`/api/v1/contacts/${id}`);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    assert.equal(page.body.contact.email, 'lena@example.com');
    assert.equal(page.body.conversations.length, 1);
    assert.equal(page.body.conversations[0].channel, 'web');
    assert.deepEqual(page.body.visitors, [{ siteId: t.site.id, visitorId: 'api-1' }]);

    // Another account: not in its search, 404 on the page and every change.
    assert.deepEqual((await other.api.get('/api/v1/contacts?q=lena')).body.items, []);
    assert.equal((await other.api.get(`/api/v1/contacts/${id}`)).status, 404);
    assert.equal((await other.api.patch(`/api/v1/contacts/${id}`, { name: 'X' })).status, 404);
    assert.equal((await other.api.post(`/api/v1/contacts/${id}/notes`, { body: 'x' })).status, 404);
    assert.equal((await t.api.get('/api/v1/contacts/contact_nope')).status, 404);
  });

  it('edits, notes, names for lists, merge with undo, and a guarded CSV export', async () => {
    const a = await store().contacts.resolve(t.accountId, {
      email: 'ola@example.com',
      name: '=HYPERLINK("x")',
    });
    const b = await store().contacts.resolve(t.accountId, { phone: '+33 1 23 45 67 89', name: 'Ola B.' });
    const patched = await t.api.patch(`/api/v1/contacts/${a.id}`, {
      emailOptOut: true,
      attributes: { plan: 'pro' },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.emailOptOut, true);
    assert.equal((await t.api.patch(`/api/v1/contacts/${a.id}`, { phone: 'abc' })).status, 400);
    assert.equal((await t.api.patch(`/api/v1/contacts/${a.id}`, { email: 'x@y.z' })).status, 400);

    const note = await t.api.post(`/api/v1/contacts/${b.id}/notes`, { body: 'Called about the invoice' });
    assert.equal(note.status, 201, JSON.stringify(note.body));
    assert.equal((await t.api.post(`/api/v1/contacts/${b.id}/notes`, { body: '' })).status, 400);

    await store().contacts.linkVisitor(t.accountId, t.site.id, 'nm-1', b.id);
    const names = await t.api.get(`/api/v1/contacts/names?ids=${a.id},nope&visitorIds=nm-1,nm-2`);
    assert.equal(names.status, 200);
    assert.equal(names.body.contacts[a.id].email, 'ola@example.com');
    assert.deepEqual(names.body.visitors, { 'nm-1': { contactId: b.id, name: 'Ola B.', email: null } });

    const merge = await t.api.post(`/api/v1/contacts/${a.id}/merge`, { contactId: b.id });
    assert.equal(merge.status, 201, JSON.stringify(merge.body));
    const merged = await t.api.get(`/api/v1/contacts/${a.id}`);
    assert.equal(merged.body.contact.phone, '+33123456789');
    assert.equal(merged.body.notes[0].body, 'Called about the invoice');
    assert.equal(merged.body.merges[0].id, merge.body.id);
    assert.equal(
      (await t.api.get(`/api/v1/contacts/${b.id}`)).body.contact.id,
      a.id,
      'the merged id leads here',
    );
    assert.equal((await other.api.post(`/api/v1/contacts/merges/${merge.body.id}/undo`)).status, 404);
    const undo = await t.api.post(`/api/v1/contacts/merges/${merge.body.id}/undo`);
    assert.equal(undo.status, 200, JSON.stringify(undo.body));
    assert.equal(
      (await t.api.get(`/api/v1/contacts/${b.id}`)).body.notes[0].body,
      'Called about the invoice',
    );
    assert.equal((await t.api.post(`/api/v1/contacts/${a.id}/merge`, { contactId: a.id })).status, 400);

    const csv = await t.api.get('/api/v1/contacts/export.csv?q=ola');
    assert.equal(csv.status, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const text = String(csv.body);
    assert.ok(text.startsWith('id,name,email,phone,'));
    assert.ok(text.includes(`"'=HYPERLINK(""x"")"`), 'a formula is defused');
    assert.equal(text.trim().split('\r\n').length, 3);
  });

  it('shows admins the identity secret with snippets, rotates it, and keeps it from other accounts', async () => {
    const r = await t.api.get(`/api/v1/sites/${t.site.id}/identity`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.secret.length >= 32);
    for (const lang of ['node', 'php', 'python', 'ruby'])
      assert.ok(r.body.snippets[lang].includes(r.body.secret));
    assert.ok(verifyUserHash(r.body.secret, 'u1', userHashOf(r.body.secret, 'u1')));
    const rotated = await t.api.post(`/api/v1/sites/${t.site.id}/identity/rotate`);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.secret, r.body.secret);
    assert.equal((await t.api.get(`/api/v1/sites/${t.site.id}/identity`)).body.secret, rotated.body.secret);
    assert.equal((await other.api.get(`/api/v1/sites/${t.site.id}/identity`)).status, 404);
  });
});
