import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newTenant } from './engagement-fixtures.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { broadcastTestEnv } from './helpers/store-node.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const pgSkip = postgresSkipReasonNow();

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`changing a broadcast before it is sent (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 60_000,
  }, () => {
    let srv: TestServer;
    let sink: SmtpSink;
    let t: Awaited<ReturnType<typeof newTenant>>;
    const store = () => srv.node.ctx.store;

    before(async () => {
      sink = await startSmtpSink();
      srv = await startTestServer({ store: kind, env: broadcastTestEnv(sink.url) });
      t = await newTenant(srv);
    });
    after(async () => {
      await srv?.close();
      await sink?.close();
    });

    /** A segment of one contact with an e-mail address. */
    const segmentOf = async (who: string) => {
      const c = await store().contacts.resolve(t.accountId, {
        name: who,
        email: `${who}-${kind}@example.com`,
      });
      await store().contacts.addAttributes(t.accountId, c.id, { batch: `${who}-${kind}` });
      const seg = await t.api.post('/api/v1/segments', {
        name: who,
        filter: { field: 'attribute.batch', op: 'equals', value: `${who}-${kind}` },
      });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      return { segmentId: seg.body.id as string, email: c.email! };
    };
    const mail = (subject: string) => ({ email: { subject, text: `${subject}, {{name|there}}.` } });
    const mailsTo = (email: string) => sink.mails.filter((m) => m.to.includes(email));
    const draft = async (segmentId: string, extra: Record<string, unknown> = {}) => {
      const r = await t.api.post('/api/v1/broadcasts', {
        name: 'Draft',
        segmentId,
        channels: ['email'],
        content: mail('First words'),
        status: 'draft',
        ...extra,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };
    const patch = (id: string, body: unknown) => t.api.patch(`/api/v1/broadcasts/${id}`, body);

    it('a draft takes new segment, channels, content, holdout and time, then goes out as changed', async () => {
      const first = await segmentOf('ana');
      const second = await segmentOf('bo');
      const id = await draft(first.segmentId);

      const changed = await patch(id, {
        name: 'Spring, second try',
        segmentId: second.segmentId,
        holdoutPercent: 0,
        content: mail('Better words'),
        sendAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.name, 'Spring, second try');
      assert.equal(changed.body.segmentId, second.segmentId);
      assert.equal(changed.body.holdoutPercent, 0);
      assert.equal(changed.body.content.email.subject, 'Better words');
      assert.equal(changed.body.status, 'draft', 'a change keeps a draft a draft');
      assert.ok(Date.parse(changed.body.sendAt) > Date.now() + 3_000_000);

      // Scheduled for later, then told to go now: it goes once, as changed, to the new segment.
      const scheduled = await patch(id, { status: 'scheduled' });
      assert.equal(scheduled.status, 200, JSON.stringify(scheduled.body));
      assert.equal(scheduled.body.status, 'scheduled');
      assert.equal(scheduled.body.sendAt, changed.body.sendAt, 'the time is kept when left out');
      const now = await patch(id, { sendAt: null });
      assert.equal(now.status, 200, JSON.stringify(now.body));
      await eventually(() => mailsTo(second.email).length === 1, 15_000, 'the changed mail');
      assert.equal(mailsTo(second.email)[0]!.parsed.subject, 'Better words');
      assert.equal(mailsTo(first.email).length, 0, 'the first segment gets nothing');
      await eventually(
        async () => (await t.api.get(`/api/v1/broadcasts/${id}`)).body.status === 'sent',
        15_000,
        'sent',
      );

      const late = await patch(id, { name: 'Too late' });
      assert.equal(late.status, 409);
      assert.match(late.body.error.message, /was sent, so it can no longer be changed/);
      assert.equal((await t.api.get(`/api/v1/broadcasts/${id}`)).body.name, 'Spring, second try');
      assert.equal(mailsTo(second.email).length, 1, 'sent once');
    });

    it('refuses a change that could not be sent, naming the field, and keeps the broadcast as it was', async () => {
      const { segmentId } = await segmentOf('cy');
      const id = await draft(segmentId);
      const bad = async (body: unknown, pattern: RegExp) => {
        const r = await patch(id, body);
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.match(String(r.body.error.message), pattern);
      };
      await bad({ sendAt: '2020-01-01T00:00:00Z' }, /\/sendAt: is in the past/);
      await bad({ segmentId: 'seg_nope' }, /\/segmentId: no segment/);
      await bad({ channels: ['email', 'sms'] }, /\/content\/sms: required/);
      await bad({ content: { email: { subject: 'Hi {{password}}', text: 'x' } } }, /\{\{password\}\}/);
      await bad({ holdoutPercent: 80 }, /holdoutPercent/);
      await bad({}, /./);
      const b = (await t.api.get(`/api/v1/broadcasts/${id}`)).body;
      assert.equal(b.status, 'draft');
      assert.equal(b.content.email.subject, 'First words');
      assert.deepEqual(b.channels, ['email']);

      assert.equal((await patch('bc_nope', { name: 'x' })).status, 404);
      const other = await newTenant(srv);
      assert.equal((await other.api.patch(`/api/v1/broadcasts/${id}`, { name: 'x' })).status, 404);
    });

    it('a scheduled broadcast held back as a draft is not sent; one whose send has started or was cancelled is a 409', async () => {
      const { segmentId, email } = await segmentOf('dee');
      const soon = new Date(Date.now() + 1_500).toISOString();
      const id = await draft(segmentId, { status: 'scheduled', sendAt: soon, holdoutPercent: 0 });
      const held = await patch(id, { status: 'draft' });
      assert.equal(held.status, 200, JSON.stringify(held.body));
      assert.equal(held.body.status, 'draft');
      await new Promise((r) => setTimeout(r, 2_500));
      assert.equal(mailsTo(email).length, 0, 'a draft is not sent at its old time');
      assert.equal((await t.api.get(`/api/v1/broadcasts/${id}`)).body.status, 'draft');

      // A node has claimed the scheduled broadcast: its send is starting, the change is refused.
      const later = new Date(Date.now() + 3_600_000).toISOString();
      assert.equal((await patch(id, { status: 'scheduled', sendAt: later })).status, 200);
      await store()
        .db.updateTable('broadcast_jobs')
        .set({ status: 'sending', lease_until: Date.now() + 3_600_000 })
        .where('id', '=', id)
        .execute();
      const starting = await patch(id, { name: 'Renamed' });
      assert.equal(starting.status, 409, JSON.stringify(starting.body));
      assert.match(starting.body.error.message, /has started sending, so it can no longer be changed/);
      assert.equal((await t.api.get(`/api/v1/broadcasts/${id}`)).body.name, 'Draft');

      const cancelled = await draft(segmentId);
      assert.equal((await t.api.post(`/api/v1/broadcasts/${cancelled}/cancel`, {})).status, 200);
      const r = await patch(cancelled, { name: 'x' });
      assert.equal(r.status, 409);
      assert.match(r.body.error.message, /was cancelled, so it can no longer be changed/);

      const audit = await store().audit.list(t.accountId, { limit: 200 });
      const updated = audit.filter(
        (e: { action: string; targetId?: string | null }) => e.action === 'broadcast.updated',
      );
      assert.ok(updated.length >= 2, 'each change is in the audit log');
    });
  });
}
