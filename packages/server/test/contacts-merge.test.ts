import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newTenant } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

describe('contact matching, merge and unmerge', () => {
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

  const conversationOf = async (contactId: string, visitorId: string) =>
    store().conversations.create({
      accountId: t.accountId,
      siteId: t.site.id,
      visitorId,
      source: 'visitor',
      skillId: null,
      status: 'offline',
      contactId,
      tokenHash: `hash-${visitorId}-${Math.random()}`,
    });

  it('matches by verified user id, then e-mail, then phone; unverified keys never reach a verified contact', async () => {
    const c = store().contacts;
    const byMail = await c.resolve(t.accountId, { email: 'Hana@Example.com', name: 'Hana' });
    assert.equal(
      (await c.resolve(t.accountId, { email: 'hana@example.com', phone: '+49 30 1234567' })).id,
      byMail.id,
    );
    assert.equal(
      (await c.resolve(t.accountId, { phone: '+49-30-1234567' })).id,
      byMail.id,
      'the filled phone matches',
    );
    const verified = await c.resolve(t.accountId, {
      verified: true,
      externalId: 'u1',
      email: 'ivo@example.com',
    });
    assert.equal((await c.resolve(t.accountId, { verified: true, externalId: 'u1' })).id, verified.id);
    const typed = await c.resolve(t.accountId, { email: 'ivo@example.com' });
    assert.notEqual(typed.id, verified.id, 'a typed e-mail gets a contact of its own');
    assert.equal(typed.verified, false);
    // Another account never sees these contacts.
    assert.notEqual((await c.resolve(other.accountId, { email: 'hana@example.com' })).id, byMail.id);
    assert.equal(await c.find(other.accountId, byMail.id), undefined);
  });

  it('a merge moves conversations, visitors and notes, fills empty fields; undo puts back only what it moved', async () => {
    const c = store().contacts;
    const kept = await c.resolve(t.accountId, { email: 'jo@example.com', name: 'Jo' });
    const dup = await c.resolve(t.accountId, { phone: '+44 20 7946 0000', name: 'Joanna' });
    await c.addAttributes(t.accountId, dup.id, { plan: 'pro' });
    const conv = await conversationOf(dup.id, 'm-1');
    await c.linkVisitor(t.accountId, t.site.id, 'm-1', dup.id);
    const note = await c.addNote(t.accountId, dup.id, null, 'Prefers phone calls');

    const merge = await c.merge(t.accountId, kept.id, dup.id, null);
    const after1 = await c.get(t.accountId, kept.id);
    assert.equal(after1.name, 'Jo', 'a field the kept contact has stays');
    assert.equal(after1.phone, '+442079460000', 'an empty field is filled');
    assert.equal(after1.attributes.plan, 'pro');
    assert.equal((await store().conversations.get(t.accountId, conv.id)).contactId, kept.id);
    assert.equal((await c.ofVisitor(t.accountId, t.site.id, 'm-1'))?.id, kept.id);
    assert.deepEqual(
      (await c.notes(t.accountId, kept.id)).map((n) => n.id),
      [note.id],
    );
    assert.equal((await c.get(t.accountId, dup.id)).id, kept.id, 'the merged id answers the kept contact');
    assert.ok(!(await c.search(t.accountId, 'Joanna', 10)).some((x) => x.id === dup.id));
    assert.deepEqual(
      (await c.merges(t.accountId, kept.id)).map((m) => m.id),
      [merge.id],
    );

    // After the merge a new conversation comes to the kept contact; undo leaves it there.
    const later = await conversationOf(kept.id, 'm-2');
    await c.unmerge(t.accountId, merge.id);
    const back = await c.get(t.accountId, dup.id);
    assert.equal(back.id, dup.id);
    assert.equal(back.attributes.plan, 'pro');
    const keptAgain = await c.get(t.accountId, kept.id);
    assert.equal(keptAgain.phone, null);
    assert.equal(keptAgain.attributes.plan, undefined);
    assert.equal((await store().conversations.get(t.accountId, conv.id)).contactId, dup.id);
    assert.equal((await store().conversations.get(t.accountId, later.id)).contactId, kept.id);
    assert.equal((await c.ofVisitor(t.accountId, t.site.id, 'm-1'))?.id, dup.id);
    assert.deepEqual(
      (await c.notes(t.accountId, dup.id)).map((n) => n.id),
      [note.id],
    );
    assert.deepEqual(await c.merges(t.accountId, kept.id), []);
    await assert.rejects(c.unmerge(t.accountId, merge.id), /already undone/);
  });

  it('refuses merging two verified users, a contact into itself, and another account’s merge', async () => {
    const c = store().contacts;
    const a = await c.resolve(t.accountId, { verified: true, externalId: 'ua' });
    const b = await c.resolve(t.accountId, { verified: true, externalId: 'ub' });
    await assert.rejects(c.merge(t.accountId, a.id, b.id, null), (e: { status: number; code: string }) => {
      assert.equal(e.status, 409);
      assert.equal(e.code, 'merge_conflict');
      return true;
    });
    await assert.rejects(c.merge(t.accountId, a.id, a.id, null), { status: 400 });
    const x = await c.resolve(t.accountId, { email: 'x@example.com' });
    const m = await c.merge(t.accountId, a.id, x.id, null);
    await assert.rejects(c.unmerge(other.accountId, m.id), { status: 404 });
    await assert.rejects(c.merge(other.accountId, a.id, b.id, null), { status: 404 });
    // A verified contact merged into an unverified one passes its user id on, and takes it back on undo.
    const y = await c.resolve(t.accountId, { email: 'y@example.com' });
    const m2 = await c.merge(t.accountId, y.id, b.id, null);
    const yv = await c.get(t.accountId, y.id);
    assert.equal(yv.verified, true);
    assert.equal(yv.externalId, 'ub');
    await c.unmerge(t.accountId, m2.id);
    assert.equal((await c.get(t.accountId, y.id)).verified, false);
    assert.equal((await c.get(t.accountId, b.id)).externalId, 'ub');
  });
});
