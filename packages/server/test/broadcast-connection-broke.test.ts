import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { newTenant } from './engagement-fixtures.ts';
import { oneMessageLeft } from './helpers/broadcast-left.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { closeServer } from './helpers/close-server.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { refusedUrl } from './helpers/refused-port.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { broadcastTestEnv } from './helpers/store-node.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { TWILIO } from './helpers/twilio-server.ts';

const pgSkip = postgresSkipReasonNow();

let phones = 0;
const newPhone = () =>
  `+1666${String(process.pid % 1000).padStart(3, '0')}${String(++phones).padStart(4, '0')}`;

const listen = (server: Server) =>
  new Promise<string>((done) =>
    server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

/**
 * A broadcast's SMS whose provider connection breaks after the request left may have reached the
 * provider: it is in doubt, never sent again. One whose connection was never made (the port is
 * closed) certainly did not: it is tried again.
 */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`a provider connection that breaks during a broadcast (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 120_000,
  }, () => {
    let srv: TestServer;
    let sink: SmtpSink;
    /** Reads each whole request, then drops the connection without a word. */
    const bodies: string[] = [];
    const broken = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        bodies.push(body);
        res.socket?.destroy();
      });
    });
    let brokenUrl = '';
    /** A port where every connection is refused. */
    let closedUrl = '';

    before(async () => {
      sink = await startSmtpSink();
      srv = await startTestServer({ store: kind, env: broadcastTestEnv(sink.url) });
      brokenUrl = await listen(broken);
      closedUrl = await refusedUrl();
    });
    after(async () => {
      await srv?.close();
      await closeServer(broken);
      await sink?.close();
    });

    /** A broadcast by SMS, through a connection to `apiBaseUrl`, to one new contact. */
    const broadcast = async (apiBaseUrl: string) => {
      const t = await newTenant(srv);
      const { store } = srv.node.ctx;
      const conn = await t.api.post('/api/v1/channels', { type: 'sms', ...TWILIO, apiBaseUrl });
      assert.equal(conn.status, 201, JSON.stringify(conn.body));
      const phone = newPhone();
      const c = await store.contacts.resolve(t.accountId, { name: 'Rita', phone });
      await store.contacts.addAttributes(t.accountId, c.id, { batch: 'one' });
      await store.consents.record(t.accountId, c.id, { channel: 'sms', source: 'api', detail: 'test' });
      const seg = await t.api.post('/api/v1/segments', {
        name: 'One',
        filter: { field: 'attribute.batch', op: 'equals', value: 'one' },
      });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      const r = await t.api.post('/api/v1/broadcasts', {
        name: 'News',
        segmentId: seg.body.id,
        channels: ['sms'],
        holdoutPercent: 0,
        content: { sms: { connectionId: conn.body.id, text: 'News for you. Reply STOP to opt out.' } },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return { ...(await oneMessageLeft(t.api, store, t.accountId, r.body.id)), phone };
    };

    const inDoubtCount = async () => {
      const text = (await srv.node.app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(/^beckon_outbox_in_doubt_total\{channel="sms"\} (\d+)/m.exec(text)?.[1] ?? 0);
    };

    it('a reset after the request was read: in doubt, sent once, never tried again', async () => {
      const before = await inDoubtCount();
      const { funnel, recipient, row, phone } = await broadcast(brokenUrl);
      assert.equal(funnel.inDoubt, 1);
      assert.equal(funnel.failed, 0);
      assert.equal(recipient.state, 'in_doubt');
      assert.match(recipient.reason, /not known whether the provider took it/);
      assert.deepEqual(row, { status: 'in_doubt', attempts: 1 });
      assert.equal(bodies.length, 1, 'the provider saw one request');
      assert.match(decodeURIComponent(bodies[0]!.replace(/\+/g, ' ')), new RegExp(`To=\\${phone}`));
      // Counted right after the row is settled (the funnel may show it a moment before).
      await eventually(async () => (await inDoubtCount()) === before + 1, 5000, 'the in-doubt count');
    });

    it('a refused connection: tried again, then failed with the reason', async () => {
      const { funnel, recipient, row } = await broadcast(closedUrl);
      assert.equal(funnel.failed, 1, JSON.stringify({ funnel, recipient }));
      assert.equal(funnel.inDoubt, 0);
      assert.equal(recipient.state, 'failed');
      assert.match(recipient.reason, /could not be reached.*gave up after 3 tries/);
      assert.deepEqual(row, { status: 'failed', attempts: 3 });
      // Three tries and their backoffs later, the broken provider has still seen its one request.
      assert.equal(bodies.length, 1);
    });
  });
}
