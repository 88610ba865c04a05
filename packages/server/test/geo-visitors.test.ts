import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { VisitorClient } from '@beckon/sdk/index';
import { contentCampaign, eventually, flush, newTenant, runtime, visitor } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// The node sits behind a proxy it trusts: the visitor's address is the first X-Forwarded-For hop.
// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_TRUST_PROXY = '1';
});

// Addresses whose location DB-IP's Lite database states (see geo-lookup.test.ts).
const LONDON = '81.2.69.142';
const BERLIN = '130.149.7.201';
const from = (address: string) => ({ headers: { 'x-forwarded-for': `${address}, 10.0.0.2` } });

/** True once the batch is acknowledged without an engage frame before it (frames arrive in order). */
async function notEngaged(c: VisitorClient): Promise<boolean> {
  await c.sendBatch([{ type: 'event', name: 'ping', ts: Date.now() }]);
  return c.engages.length === 0;
}

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`geo targeting (${store})`, () => {
    let srv: TestServer;
    const open: VisitorClient[] = [];
    before(async () => {
      srv = await startTestServer({ store });
    });
    after(async () => {
      await Promise.all(open.map((c) => c.close().catch(() => {})));
      await srv?.close();
    });
    const connect = async (siteKey: string, id: string, address: string) => {
      const c = await visitor(srv, siteKey, id, from(address));
      open.push(c);
      return c;
    };

    it('engages a visitor from the targeted country and not one from elsewhere; the live list shows where', async () => {
      const { api, site } = await newTenant(srv);
      const created = await api.post(
        '/api/v1/campaigns',
        contentCampaign('UK visitors', { all: [{ field: 'geo.country', op: 'in', value: ['GB', 'IE'] }] }),
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const london = await connect(site.siteKey, 'v-london', LONDON);
      assert.equal((await london.nextEngage()).campaignId, created.body.id);
      const berlin = await connect(site.siteKey, 'v-berlin', BERLIN);
      assert.equal(await notEngaged(berlin), true);
      const local = await connect(site.siteKey, 'v-local', '192.168.1.20');
      assert.equal(await notEngaged(local), true);

      const list = (await api.get('/api/v1/visitors')).body.items as {
        visitorId: string;
        geo: Record<string, string> | null;
      }[];
      const geoOf = (id: string) => list.find((v) => v.visitorId === id)?.geo;
      assert.deepEqual(geoOf('v-london'), {
        country: 'GB',
        region: 'England',
        city: 'London',
        timezone: 'Europe/London',
      });
      assert.equal(geoOf('v-berlin')?.city, 'Berlin');
      assert.equal(geoOf('v-local'), null, 'a private address is not located');
    });

    it('refuses an unknown country code with a 400 naming its path', async () => {
      const { api } = await newTenant(srv);
      const res = await api.post(
        '/api/v1/campaigns',
        contentCampaign('Bad', { all: [{ field: 'geo.country', op: 'equals', value: 'UK' }] }),
      );
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'invalid_campaign');
      assert.match(res.body.error.message, /^\/targeting\/all\/0\/value: unknown country code "UK"/);
    });

    it('stores only the coarse location of a visitor of a site that anonymises addresses', async () => {
      const { api, site } = await newTenant(srv);
      assert.equal((await api.patch(`/api/v1/sites/${site.id}`, { anonymizeIp: true })).status, 200);
      const c = await connect(site.siteKey, 'v-private', LONDON);
      await c.sendBatch([{ type: 'page_view', url: `${new URL(srv.url).origin}/shoes`, ts: Date.now() }]);
      const live = runtime(srv).tracker.peek(site.id, 'v-private');
      assert.ok(live, 'the visitor is live on this node');
      assert.equal(live.site.anonymizeIp, true, 'the site anonymises addresses');
      runtime(srv).tracker.persistNow(live);
      await flush(srv);
      const { db } = srv.node.ctx.store;
      const sessions = await db
        .selectFrom('visitor_sessions')
        .selectAll()
        .where('site_id', '=', site.id)
        .execute();
      assert.equal(sessions.length, 1);
      assert.deepEqual(
        [sessions[0]!.country, sessions[0]!.region, sessions[0]!.city, sessions[0]!.time_zone],
        ['GB', 'England', 'London', 'Europe/London'],
      );
      const visitors = await db.selectFrom('visitors').selectAll().where('site_id', '=', site.id).execute();
      assert.equal(JSON.parse(visitors[0]!.state).snapshot.geo.country, 'GB');
      // Neither the whole address nor its network is stored anywhere for this visitor.
      const frames = await db.selectFrom('event_frames').selectAll().where('site_id', '=', site.id).execute();
      for (const text of [JSON.stringify(sessions), JSON.stringify(visitors), JSON.stringify(frames)]) {
        assert.ok(!text.includes('81.2.69'), 'no address in the store');
      }
    });

    it('splits a campaign’s lift by country, as JSON and CSV', async () => {
      const { api, site } = await newTenant(srv);
      const created = await api.post('/api/v1/campaigns', {
        ...contentCampaign('Everyone', { all: [{ field: 'session.pageViews', op: 'gte', value: 0 }] }),
        controlShare: 0.5,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.id as string;
      const people = [
        ...Array.from({ length: 4 }, (_, i) => [`gb-${i}`, LONDON] as const),
        ...Array.from({ length: 3 }, (_, i) => [`de-${i}`, BERLIN] as const),
        ['lan-0', '10.9.8.7'] as const,
      ];
      for (const [vid, address] of people) await connect(site.siteKey, vid, address);
      await eventually(async () => {
        await flush(srv);
        const n = await srv.node.ctx.store.db
          .selectFrom('exposures')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('campaign_id', '=', id)
          .executeTakeFirst();
        return Number(n?.n) === people.length;
      });
      const report = await api.get(`/api/v1/reports/campaigns/${id}/countries`);
      assert.equal(report.status, 200, JSON.stringify(report.body));
      const rows = report.body.countries as {
        country: string | null;
        exposed: { visitors: number };
        control: { visitors: number };
        verdict: string;
      }[];
      assert.deepEqual(
        rows.map((r) => [r.country, r.exposed.visitors + r.control.visitors]),
        [
          ['GB', 4],
          ['DE', 3],
          [null, 1],
        ],
      );
      assert.equal(rows[0]!.verdict, 'not_enough_data');
      const csv = await api.get(`/api/v1/reports/campaigns/${id}/countries?format=csv`);
      assert.equal(csv.status, 200);
      const lines = (csv.body as string).trim().split('\n');
      assert.match(lines[0]!, /^country,exposed_visitors,/);
      assert.deepEqual(
        lines.slice(1).map((l) => l.split(',')[0]),
        ['GB', 'DE', ''],
      );
      assert.equal((await api.get('/api/v1/reports/campaigns/camp_nope/countries')).status, 404);
    });
  });
}
