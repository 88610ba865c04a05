import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { afterQuietHours, instantOf, sameLocalTime } from '../src/broadcasts/send-clock.ts';
import type { BeckonNode } from '../src/node.ts';
import type { Store } from '../src/store/store.ts';
import { newTenant } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import type { PgTestStore } from './helpers/schema-template.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { broadcastTestEnv, pgStoreFor, startNodeOn as startNode } from './helpers/store-node.ts';
import type { TestServer } from './helpers/test-server.ts';
import { startTwilioApi, TWILIO } from './helpers/twilio-server.ts';

const HOUR = 3_600_000;
const pgSkip = postgresSkipReasonNow();
let phones = 0;
const newPhone = () =>
  `+1555${String(process.pid % 1000).padStart(3, '0')}${String(++phones).padStart(4, '0')}`;

describe('send clock', () => {
  it('quiet hours end at their local end, overnight and in the contact’s zone', () => {
    const quiet = { from: 21 * 60, to: 8 * 60 };
    // 23:30 in Berlin (CET, UTC+1) on 15 January: quiet until 08:00 Berlin, 07:00 UTC the next day
    const t = Date.UTC(2026, 0, 15, 22, 30);
    assert.equal(afterQuietHours(t, 'Europe/Berlin', quiet), Date.UTC(2026, 0, 16, 7, 0));
    // 06:00 in New York is still quiet until 08:00 there (EST, UTC-5)
    assert.equal(
      afterQuietHours(Date.UTC(2026, 0, 15, 11), 'America/New_York', quiet),
      Date.UTC(2026, 0, 15, 13),
    );
    // noon is not quiet
    assert.equal(
      afterQuietHours(Date.UTC(2026, 0, 15, 11), 'Europe/Berlin', quiet),
      Date.UTC(2026, 0, 15, 11),
    );
    // a daytime window (from before to)
    const lunch = { from: 12 * 60, to: 13 * 60 };
    assert.equal(afterQuietHours(Date.UTC(2026, 0, 15, 12, 15), 'UTC', lunch), Date.UTC(2026, 0, 15, 13));
  });

  it('the same wall-clock time in each zone, across a change of summer time', () => {
    // 09:00 on 29 March 2026 in Berlin (summer time began at 02:00 that night: UTC+2)
    const sendAt = Date.UTC(2026, 2, 29, 7);
    assert.equal(sameLocalTime(sendAt, 'Europe/Berlin', 'Asia/Tokyo'), Date.UTC(2026, 2, 29, 0));
    // New York is on summer time already (UTC-4)
    assert.equal(sameLocalTime(sendAt, 'Europe/Berlin', 'America/New_York'), Date.UTC(2026, 2, 29, 13));
    assert.equal(sameLocalTime(sendAt, 'Europe/Berlin', 'Europe/London'), Date.UTC(2026, 2, 29, 8));
    assert.equal(instantOf(Date.UTC(2026, 9, 25, 12), 'Europe/Berlin'), Date.UTC(2026, 9, 25, 11));
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`broadcast guardrails (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 180_000,
  }, () => {
    let twilio: Awaited<ReturnType<typeof startTwilioApi>>;
    let sink: SmtpSink;
    let dataDir: string;
    let pg: PgTestStore | undefined;
    /** Two nodes on one store: both send broadcasts and work the outbox. */
    const nodes: BeckonNode[] = [];
    let t: Awaited<ReturnType<typeof newTenant>>;
    let smsConn = '';
    const store = (): Store => nodes[0]!.ctx.store;
    const env = () => broadcastTestEnv(sink.url);
    /** The API as the tenant, on node `i`. */
    const api = (i = 0) => {
      const a = new ApiClient(nodes[i]!.app);
      a.bearer = t.api.bearer;
      return a;
    };

    before(async () => {
      twilio = await startTwilioApi();
      sink = await startSmtpSink();
      dataDir = mkdtempSync(join(tmpdir(), 'beckon-guardrails-'));
      pg = await pgStoreFor(kind);
      // PostgreSQL serves several nodes at once; a SQLite file one.
      for (let i = 0; i < (kind === 'postgres' ? 2 : 1); i++)
        nodes.push(await startNode(kind, dataDir, pg, env()));
      t = await newTenant({ node: nodes[0]! } as TestServer);
      const sms = await api().post('/api/v1/channels', { type: 'sms', ...TWILIO, apiBaseUrl: twilio.url });
      assert.equal(sms.status, 201, JSON.stringify(sms.body));
      smsConn = sms.body.id;
    });
    after(async () => {
      for (const n of nodes) await n.close();
      await twilio?.close();
      await sink?.close();
      await pg?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    /** Contacts reachable by SMS (`sms`) or e-mail, with attributes, and a segment of exactly them. */
    const seed = async (batch: string, people: { sms?: boolean; attributes?: Record<string, unknown> }[]) => {
      const made = [];
      for (const [i, p] of people.entries()) {
        const c = await store().contacts.resolve(
          t.accountId,
          p.sms
            ? { name: `P ${i}`, phone: newPhone() }
            : { name: `P ${i}`, email: `${batch}-${i}@example.com` },
        );
        await store().contacts.addAttributes(t.accountId, c.id, { batch, ...p.attributes });
        if (p.sms)
          await store().consents.record(t.accountId, c.id, { channel: 'sms', source: 'api', detail: 'test' });
        made.push({ id: c.id, phone: c.phone, email: c.email });
      }
      const seg = await api().post('/api/v1/segments', {
        name: `Batch ${batch}`,
        filter: { field: 'attribute.batch', op: 'equals', value: batch },
      });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      return { people: made, segmentId: seg.body.id as string };
    };

    const body = (segmentId: string, extra: Record<string, unknown> = {}) => ({
      name: 'Guarded',
      segmentId,
      channels: ['sms', 'email'],
      holdoutPercent: 0,
      content: {
        sms: { connectionId: smsConn, text: 'Hi {{name|there}}, news. Reply STOP to opt out.' },
        email: { subject: 'News for {{name|you}}', text: 'Hello {{name|there}}.' },
      },
      ...extra,
    });

    const settings = async (change: Record<string, unknown>) => {
      const r = await api().request('PUT', '/api/v1/account/sending', change);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    };

    /** The broadcast once its sender is done and every message it queued has left or failed. */
    const finished = async (id: string, i = 0) =>
      eventually(
        async () => {
          const b = (await api(i).get(`/api/v1/broadcasts/${id}`)).body;
          return b.status === 'sent' && b.funnel.sent + b.funnel.failed === b.funnel.queued ? b : undefined;
        },
        60_000,
        'the broadcast is sent and the outbox empty',
      );

    const smsTo = (phone: string | null) => twilio.sent.filter((s) => s.To === phone).length;

    it('settings: defaults, changes, faults named, audited and documented', async () => {
      const got = await api().get('/api/v1/account/sending');
      assert.equal(got.status, 200);
      assert.deepEqual(got.body.throughput, { whatsappPerSecond: 80, smsPerSecond: 1, emailPerMinute: 600 });
      assert.equal(got.body.timeZone, 'UTC', 'the first site’s zone');
      assert.equal(got.body.quietHours, null);
      assert.equal(got.body.frequencyCap, null);
      const bad = async (b: unknown) => {
        const r = await api().request('PUT', '/api/v1/account/sending', b);
        assert.equal(r.status, 400, JSON.stringify(r.body));
        return String(r.body.error.message);
      };
      assert.match(await bad({ timeZone: 'Mars/Olympus' }), /\/timeZone: not an IANA time zone/);
      assert.match(
        await bad({ quietHours: { from: '21:00', to: '21:00' } }),
        /\/quietHours: from and to are the same/,
      );
      assert.match(await bad({ quietHours: { from: '25:00', to: '08:00' } }), /quietHours\/from/);
      assert.match(await bad({ throughput: { smsPerSecond: 0 } }), /smsPerSecond/);
      assert.match(await bad({ frequencyCap: { messages: 2 } }), /frequencyCap/);
      const changed = await settings({
        timeZone: 'Europe/Berlin',
        quietHours: { from: '21:00', to: '08:00' },
        throughput: { emailPerMinute: 1200 },
        frequencyCap: { messages: 3, days: 7 },
      });
      assert.equal(changed.timeZone, 'Europe/Berlin');
      assert.deepEqual(changed.quietHours, { from: '21:00', to: '08:00' });
      assert.deepEqual(changed.throughput, { whatsappPerSecond: 80, smsPerSecond: 1, emailPerMinute: 1200 });
      assert.deepEqual(changed.frequencyCap, { messages: 3, days: 7 });
      const off = await settings({ quietHours: null, frequencyCap: null, timeZone: 'UTC' });
      assert.equal(off.quietHours, null);
      assert.equal(off.frequencyCap, null);
      assert.equal(off.throughput.emailPerMinute, 1200, 'left out, kept');

      const { segmentId } = await seed(`faults-${kind}`, [{}]);
      const r = await api().post('/api/v1/broadcasts', body(segmentId, { localTime: true }));
      assert.equal(r.status, 400);
      assert.match(r.body.error.message, /\/localTime: needs a sendAt/);

      const doc = (await api().request('GET', '/api/openapi.json')).body as { paths: Record<string, object> };
      assert.deepEqual(Object.keys(doc.paths['/api/v1/account/sending'] ?? {}).sort(), ['get', 'put']);
      const audit = await store().audit.list(t.accountId, { limit: 50 });
      assert.ok(audit.some((e: { action: string }) => e.action === 'sending_settings.changed'));
    });

    it('two broadcasts, a node stopped mid-send: the SMS rate holds across nodes and each contact gets one', async () => {
      await settings({ throughput: { smsPerSecond: 4 } });
      const a = await seed(
        `rate-a-${kind}`,
        Array.from({ length: 10 }, () => ({ sms: true })),
      );
      const b = await seed(
        `rate-b-${kind}`,
        Array.from({ length: 10 }, () => ({ sms: true })),
      );
      const from = twilio.calls.length;
      const ra = await api(0).post('/api/v1/broadcasts', body(a.segmentId));
      const rb = await api(nodes.length - 1).post('/api/v1/broadcasts', body(b.segmentId));
      assert.equal(ra.status, 201, JSON.stringify(ra.body));
      assert.equal(rb.status, 201, JSON.stringify(rb.body));
      // The first node stops once messages are leaving; the other sends the rest at their times.
      await eventually(() => twilio.calls.length - from >= 3, 20_000, 'the first messages leave');
      const stopped = nodes.shift()!;
      const stoppedAt = Date.now();
      await stopped.close();
      nodes.push(await startNode(kind, dataDir, pg, env()));
      const restartedAt = Date.now();
      await finished(ra.body.id);
      await finished(rb.body.id);
      for (const p of [...a.people, ...b.people])
        assert.equal(smsTo(p.phone), 1, `${p.id}: ${smsTo(p.phone)}`);
      const at = twilio.calls
        .slice(from)
        .map((c) => c.at)
        .sort((x, y) => x - y);
      assert.equal(at.length, 20);
      // 4 a second: any second holds at most 4, and one more at most (a held moment may be used up
      // to half a step and 50 ms late: 175 ms, under one message). The restart is no exception: the
      // moments that fell due while no node was up are taken anew, not sent at once.
      for (let i = 0; i < at.length; i++) {
        const inSecond = at.filter((x) => x >= at[i]! && x < at[i]! + 1000).length;
        assert.ok(
          inSecond <= 5,
          `${inSecond} messages in the second from message ${i} (stopped at ${stoppedAt - at[0]!}, restarted at ${restartedAt - at[0]!}): ${at.map((x) => x - at[0]!)}`,
        );
      }
      assert.ok(at.at(-1)! - at[0]! >= 4000, `20 at 4 a second take over 4 s (${at.at(-1)! - at[0]!} ms)`);
    });

    it('a provider that answers 429 is tried again after a backoff, then succeeds or fails with the reason', async () => {
      await settings({ throughput: { smsPerSecond: 50 } });
      const ok = await seed(`limited-ok-${kind}`, [{ sms: true }]);
      twilio.fail.push(
        { status: 429, code: 20429, message: 'Too Many Requests', retryAfter: 1 },
        { status: 429, code: 20429, message: 'Too Many Requests' },
      );
      const from = twilio.calls.length;
      const r1 = await api().post('/api/v1/broadcasts', body(ok.segmentId));
      const b1 = await finished(r1.body.id);
      assert.equal(b1.funnel.sent, 1);
      assert.equal(smsTo(ok.people[0]!.phone), 1);
      const calls = twilio.calls.slice(from);
      assert.deepEqual(
        calls.map((c) => c.status),
        [429, 429, 201],
      );
      assert.ok(calls[1]!.at - calls[0]!.at >= 900, 'the Retry-After of 1 s was honoured');

      const gone = await seed(`limited-gone-${kind}`, [{ sms: true }]);
      for (let i = 0; i < 3; i++)
        twilio.fail.push({ status: 429, code: 20429, message: 'Too Many Requests' });
      const r2 = await api().post('/api/v1/broadcasts', body(gone.segmentId));
      const b2 = await finished(r2.body.id);
      assert.equal(b2.funnel.failed, 1);
      assert.equal(smsTo(gone.people[0]!.phone), 0);
      const page = await api().get(`/api/v1/broadcasts/${r2.body.id}/recipients`);
      assert.equal(page.body.items[0].state, 'failed');
      assert.match(page.body.items[0].reason, /Too Many Requests.*gave up after 3 tries/);
    });

    it('quiet hours: the messages wait for the end of the window; cancelled, they are withdrawn', async () => {
      // quiet from an hour ago until two hours from now, in Tokyo
      const zone = 'Asia/Tokyo';
      const now = Date.now();
      const local = new Date(now + 9 * HOUR);
      const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
      const clock = (m: number) =>
        `${String(Math.floor((((m % 1440) + 1440) % 1440) / 60)).padStart(2, '0')}:${String((((m % 1440) + 1440) % 1440) % 60).padStart(2, '0')}`;
      await settings({ timeZone: zone, quietHours: { from: clock(minute - 60), to: clock(minute + 120) } });
      try {
        const { people, segmentId } = await seed(`quiet-${kind}`, [
          {},
          {},
          { attributes: { timeZone: 'UTC' } },
        ]);
        const r = await api().post('/api/v1/broadcasts', body(segmentId));
        assert.equal(r.status, 201);
        // the contact in UTC is outside the Tokyo quiet hours only when it is not quiet there too
        const utcQuiet = afterQuietHours(now, 'UTC', { from: minute - 60, to: (minute + 120) % 1440 });
        await eventually(
          async () => (await api().get(`/api/v1/broadcasts/${r.body.id}`)).body.finishedAt !== null,
          20_000,
          'every contact is queued',
        );
        // Every contact is queued, but the messages wait: the broadcast is still sending.
        assert.equal((await api().get(`/api/v1/broadcasts/${r.body.id}`)).body.status, 'sending');
        const end = afterQuietHours(now, zone, { from: minute - 60, to: (minute + 120) % 1440 });
        assert.ok(end > now + HOUR, 'the window ends in about two hours');
        const due = async (contactId: string) => {
          const row = await store()
            .db.selectFrom('broadcast_recipients as r')
            .innerJoin('outbox as o', 'o.id', 'r.outbox_id')
            .select(['o.next_attempt_at', 'o.status'])
            .where('r.broadcast_id', '=', r.body.id)
            .where('r.contact_id', '=', contactId)
            .executeTakeFirstOrThrow();
          return { at: Number(row.next_attempt_at), status: row.status };
        };
        for (const p of people.slice(0, 2)) {
          const d = await due(p.id);
          assert.equal(d.status, 'queued');
          assert.ok(
            d.at >= end && d.at < end + 60_000,
            `due at the end of the quiet hours (${d.at - end} ms)`,
          );
          assert.equal(sink.mails.filter((m) => m.to.includes(p.email!)).length, 0);
        }
        // the contact whose own zone is UTC follows UTC's clock
        const own = await due(people[2]!.id);
        if (utcQuiet > now) assert.ok(own.at >= utcQuiet);
        else
          await eventually(
            () => sink.mails.some((m) => m.to.includes(people[2]!.email!)),
            20_000,
            'the contact outside quiet hours gets it now',
          );
        const cancelled = await api().post(`/api/v1/broadcasts/${r.body.id}/cancel`, {});
        assert.equal(cancelled.status, 200);
        for (const p of people.slice(0, 2)) assert.equal((await due(p.id)).status, 'failed');
        const page = await api().get(`/api/v1/broadcasts/${r.body.id}/recipients`);
        const waited = utcQuiet > now ? 3 : 2;
        const withdrawn = page.body.items.filter(
          (x: { reason: string | null }) => x.reason === 'the broadcast was cancelled',
        );
        assert.equal(withdrawn.length, waited);
        assert.deepEqual(new Set(withdrawn.map((x: { state: string }) => x.state)), new Set(['withdrawn']));
        // Withdrawn, not failed: nothing went wrong with them, and nothing is left waiting.
        const f = cancelled.body.funnel;
        assert.equal(f.withdrawn, waited);
        assert.equal(f.failed, 0);
        assert.equal(f.byChannel.email.withdrawn, waited);
        assert.equal(cancelled.body.status, 'cancelled');
        assert.ok(Date.parse(cancelled.body.countedAt) >= Date.parse(cancelled.body.finishedAt));
      } finally {
        await settings({ timeZone: 'UTC', quietHours: null });
      }
    });

    it('local time: each contact at the same wall-clock time in their zone; a zone already past it gets it now', async () => {
      const sendAt = Math.ceil((Date.now() + 10 * HOUR) / 60_000) * 60_000;
      const { people, segmentId } = await seed(`local-${kind}`, [
        { attributes: { timeZone: 'Asia/Tokyo' } },
        { attributes: { timeZone: 'America/New_York' } },
        {},
        { attributes: { timeZone: 'Pacific/Kiritimati' } },
      ]);
      const r = await api().post(
        '/api/v1/broadcasts',
        body(segmentId, { localTime: true, sendAt: new Date(sendAt).toISOString() }),
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.localTime, true);
      await eventually(
        async () => (await api().get(`/api/v1/broadcasts/${r.body.id}`)).body.finishedAt !== null,
        20_000,
        'queued ahead of its time: the first zone reaches it now',
      );
      const want = [
        sameLocalTime(sendAt, 'UTC', 'Asia/Tokyo'),
        sameLocalTime(sendAt, 'UTC', 'America/New_York'),
        sendAt,
      ];
      for (const [i, p] of people.slice(0, 3).entries()) {
        const row = await store()
          .db.selectFrom('broadcast_recipients as r')
          .innerJoin('outbox as o', 'o.id', 'r.outbox_id')
          .select('o.next_attempt_at')
          .where('r.broadcast_id', '=', r.body.id)
          .where('r.contact_id', '=', p.id)
          .executeTakeFirstOrThrow();
        const gap = Number(row.next_attempt_at) - want[i]!;
        assert.ok(gap >= 0 && gap < 1000, `contact ${i} due at their local time (${gap} ms off)`);
        assert.equal(sink.mails.filter((m) => m.to.includes(p.email!)).length, 0);
      }
      // Kiritimati (UTC+14) saw that wall-clock time four hours ago: the message goes now.
      await eventually(
        () => sink.mails.some((m) => m.to.includes(people[3]!.email!)),
        20_000,
        'the contact past their local time gets it now',
      );
      await api().post(`/api/v1/broadcasts/${r.body.id}/cancel`, {});
    });

    it('frequency cap: a contact who got the cap’s worth of broadcasts is skipped, with the reason in the funnel', async () => {
      await settings({ frequencyCap: { messages: 1, days: 7 }, throughput: { emailPerMinute: 6000 } });
      try {
        const { people, segmentId } = await seed(`cap-${kind}`, [{}, {}, {}]);
        const first = await api().post('/api/v1/segments', {
          name: `Cap first ${kind}`,
          filter: { field: 'attribute.capFirst', op: 'equals', value: kind },
        });
        for (const p of people.slice(0, 2))
          await store().contacts.addAttributes(t.accountId, p.id, { capFirst: kind });
        const b1 = await finished((await api().post('/api/v1/broadcasts', body(first.body.id))).body.id);
        assert.equal(b1.funnel.sent, 2);
        const b2 = await finished((await api().post('/api/v1/broadcasts', body(segmentId))).body.id);
        assert.equal(b2.funnel.targeted, 3);
        assert.equal(b2.funnel.sent, 1);
        assert.deepEqual(b2.funnel.skippedBy, { 'frequency cap': 2 });
        for (const [i, p] of people.entries())
          assert.equal(
            sink.mails.filter((m) => m.to.includes(p.email!)).length,
            i < 2 ? 1 : 1,
            `contact ${i}`,
          );
        // raised, the cap lets the next broadcast through
        await settings({ frequencyCap: { messages: 2, days: 7 } });
        const b3 = await finished((await api().post('/api/v1/broadcasts', body(segmentId))).body.id);
        assert.equal(b3.funnel.sent, 3);
      } finally {
        await settings({ frequencyCap: null });
      }
    });
  });
}
