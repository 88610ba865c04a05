import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SegmentFilter } from '@beckon/protocol';
import fc from 'fast-check';
import { sql } from 'kysely';
import { rebuildContactFacts } from '../src/store/contact-facts.ts';
import { mergeContacts, unmergeContacts } from '../src/store/contact-merge.ts';
import { kyselyInserter, writeBatch } from '../src/store/events-batch.ts';
import type { Store } from '../src/store/store.ts';
import { rebuildVisitorMarks } from '../src/store/visitor-marks.ts';
import { writeSessions } from '../src/store/visitors-repo.ts';
import { newTenant } from './engagement-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

/**
 * The facts segments read never drift from the histories: after any sequence of writes through
 * the store's own paths (purchases, located and scored visits, page views and carts through the
 * events writer, identify after browsing, opt-ins given and withdrawn, push devices added, moved
 * and dropped, merge and unmerge, erase, retention), the facts kept are exactly those recomputed
 * from the histories afterwards.
 */
const DAY = 86_400_000;
const op = fc.oneof(
  fc.record({ t: fc.constant('purchase' as const), v: fc.nat(3), days: fc.nat(200), revenue: fc.nat(300) }),
  fc.record({
    t: fc.constant('visit' as const),
    v: fc.nat(3),
    days: fc.nat(200),
    country: fc.constantFrom('DE', 'US', null),
  }),
  fc.record({
    t: fc.constant('scored' as const),
    v: fc.nat(3),
    days: fc.nat(200),
    score: fc.constantFrom(0.2, 0.8),
  }),
  fc.record({
    t: fc.constant('frame' as const),
    v: fc.nat(3),
    days: fc.nat(60),
    sections: fc.subarray(['shoes', 'sale']),
    cart: fc.option(fc.nat(300), { nil: undefined }),
  }),
  fc.record({ t: fc.constant('identify' as const), v: fc.nat(3), c: fc.nat(2) }),
  fc.record({
    t: fc.constant('optIn' as const),
    c: fc.nat(2),
    channel: fc.constantFrom('sms' as const, 'whatsapp' as const),
    keep: fc.boolean(),
  }),
  fc.record({
    t: fc.constant('optOut' as const),
    c: fc.nat(2),
    channel: fc.constantFrom('sms' as const, 'whatsapp' as const),
  }),
  fc.record({ t: fc.constant('device' as const), c: fc.nat(2), token: fc.nat(2) }),
  fc.record({ t: fc.constant('dropDevice' as const), token: fc.nat(2) }),
  fc.record({ t: fc.constant('merge' as const), kept: fc.nat(2), merged: fc.nat(2) }),
  fc.record({ t: fc.constant('unmerge' as const) }),
  fc.record({ t: fc.constant('erase' as const), v: fc.nat(3) }),
  fc.record({ t: fc.constant('eraseContact' as const), c: fc.nat(2) }),
  fc.record({ t: fc.constant('retention' as const), days: fc.nat(200) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** The facts and marks of an account as sorted rows. */
async function kept(store: Store, accountId: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const [table, key] of [
    ['contact_facts', 'contact_id'],
    ['visitor_sections', 'site_id, visitor_id, section'],
    ['visitor_carts', 'site_id, visitor_id, at'],
  ] as const) {
    const rows =
      await sql`select * from ${sql.table(table)} where account_id = ${accountId} order by ${sql.raw(key)}`.execute(
        store.db,
      );
    out.push(
      table,
      rows.rows.map((r) =>
        Object.fromEntries(Object.entries(r as object).map(([k, v]) => [k, v === null ? null : String(v)])),
      ),
    );
  }
  return out;
}

async function apply(store: Store, accountId: string, siteId: string, ops: Op[], tag: string): Promise<void> {
  const now = Date.now();
  const contacts = [0, 1, 2].map((i) => `con_${tag}_${i}`);
  for (const id of contacts)
    await store.db
      .insertInto('contacts')
      .values({
        id,
        account_id: accountId,
        name: id,
        email: null,
        phone: null,
        external_id: null,
        verified: 0,
        attributes: '{}',
        email_opt_out: 0,
        sms_opt_out: 0,
        merged_into: null,
        created_at: now,
        updated_at: now,
        last_seen_at: now,
      })
      .execute();
  const visitor = (v: number) => `v_${tag}_${v}`;
  const merges: string[] = [];
  // An erased contact takes no opt-in or device.
  const standing = async (c: number) =>
    (await store.db.selectFrom('contacts').select('id').where('id', '=', contacts[c]!).executeTakeFirst()) !==
    undefined;
  for (const [k, o] of ops.entries()) {
    const common = { account_id: accountId, site_id: siteId };
    switch (o.t) {
      case 'purchase': {
        const ts = now - o.days * DAY - k;
        await store.conversions.record(
          {
            ...common,
            visitor_id: visitor(o.v),
            id: `cv_${tag}_${k}`,
            session_id: `s_${tag}_${k}`,
            kind: 'purchase',
            goal_name: null,
            order_id: `o_${tag}_${k}`,
            dedupe_key: `order:o_${tag}_${k}`,
            revenue: o.revenue,
            currency: 'EUR',
            ts,
            recorded_at: ts,
          },
          [],
        );
        break;
      }
      case 'visit': {
        const ts = now - o.days * DAY - k;
        await writeSessions(store.db, [
          {
            ...common,
            visitor_id: visitor(o.v),
            id: `s_${tag}_${k}`,
            returning: 0,
            device: 'desktop',
            landing_url: null,
            referrer: null,
            channel: null,
            source: null,
            page_views: 1,
            started_at: ts,
            last_event_at: ts,
            country: o.country,
            region: null,
            city: null,
            time_zone: null,
          },
        ]);
        break;
      }
      case 'scored': {
        const ts = now - o.days * DAY - k;
        await store.modelSessions.record([
          {
            row: {
              ...common,
              visitor_id: visitor(o.v),
              id: `ms_${tag}_${k}`,
              started_at: ts,
              ended_at: ts,
              features: '[]',
              purchased: 0,
              revenue: 0,
              page_views: 1,
              score: o.score,
            },
            pages: { pages: [], pagesBeforePurchase: 0, revenue: 0 },
          },
        ]);
        break;
      }
      case 'frame': {
        const ts = now - o.days * DAY - k;
        const events = [
          ...(o.sections.length > 0
            ? [{ type: 'page_view', url: 'https://shop.test/', sections: o.sections, ts }]
            : []),
          ...(o.cart === undefined
            ? []
            : [{ type: 'attr', attrType: 'cart', value: { items: [], total: o.cart, currency: 'EUR' }, ts }]),
        ];
        await writeBatch(
          store.db,
          {
            events: [],
            exposures: [],
            outcomes: [],
            visitors: [],
            sessions: [],
            frames: [
              {
                accountId,
                siteId,
                visitorId: visitor(o.v),
                sessionId: `s_${tag}_${k}`,
                batchId: `b_${tag}_${k}`,
                ts,
                rows: events.length,
                raw: JSON.stringify({ type: 'batch', events }),
                sections: o.sections.length > 0 ? JSON.stringify(o.sections) : undefined,
                cart: o.cart,
              },
            ],
          },
          kyselyInserter(store.db),
        );
        break;
      }
      case 'identify': {
        const live = await store.contacts.find(accountId, contacts[o.c]!);
        if (live) await store.contacts.linkVisitor(accountId, siteId, visitor(o.v), live.id);
        break;
      }
      case 'optIn':
        if (!(await standing(o.c))) break;
        await store.consents.record(
          accountId,
          contacts[o.c]!,
          { channel: o.channel, source: 'api', detail: null },
          { keep: o.keep, now },
        );
        break;
      case 'optOut':
        await store.consents.withdraw(accountId, contacts[o.c]!, o.channel);
        break;
      case 'device':
        if (!(await standing(o.c))) break;
        await store.appPush.addDevice(accountId, siteId, contacts[o.c]!, {
          platform: 'fcm',
          token: `tok_${tag}_${o.token}`,
        });
        break;
      case 'dropDevice':
        await store.appPush.dropDevices(accountId, siteId, [`tok_${tag}_${o.token}`]);
        break;
      case 'merge':
        try {
          merges.push(
            (await mergeContacts(store.db, accountId, contacts[o.kept]!, contacts[o.merged]!, null, now)).id,
          );
        } catch {
          // The same contact, or one merged already: refused, nothing changed.
        }
        break;
      case 'unmerge': {
        const id = merges.pop();
        if (id) await unmergeContacts(store.db, accountId, id, now).catch(() => {});
        break;
      }
      case 'erase': {
        const s = await store.privacy.subject(accountId, { visitorId: visitor(o.v) });
        if (s) await store.privacy.erase(s);
        break;
      }
      case 'eraseContact': {
        const s = await store.privacy.subject(accountId, { contactId: contacts[o.c]! });
        if (s) await store.privacy.erase(s);
        break;
      }
      case 'retention':
        await store.retention.deleteOld(
          'visitor_sessions',
          'last_event_at',
          accountId,
          now - o.days * DAY,
          1000,
        );
        await store.retention.deleteOld('event_frames', 'ts', accountId, now - o.days * DAY, 1000);
        break;
    }
  }
}

const pgSkip = postgresSkipReasonNow();

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`contact facts (${store})`, {
    skip: store === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 300_000,
  }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startTestServer({ store });
    });
    after(() => srv?.close());

    it('kept through every write equal the facts recomputed from the histories', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
          const t = await newTenant(srv);
          const s = srv.node.ctx.store;
          await apply(s, t.accountId, t.site.id, ops, `r${run++}`);
          const incremental = await kept(s, t.accountId);
          await rebuildVisitorMarks(s.db, t.accountId);
          await rebuildContactFacts(s.db, t.accountId);
          assert.deepEqual(incremental, await kept(s, t.accountId), JSON.stringify(ops));
        }),
        { numRuns: 40 },
      );
    });

    it('a cart, an opt-in or a device counts in segments from the write that gives it to the one that takes it away', async () => {
      const s = srv.node.ctx.store;
      const cases: [string, Op[], SegmentFilter, string[]][] = [
        [
          'cart',
          [
            { t: 'identify', v: 0, c: 1 },
            { t: 'frame', v: 0, days: 5, sections: [], cart: 150 },
          ],
          { field: 'cart.abandoned', op: 'gte', value: 100 },
          ['con_cart_1'],
        ],
        [
          'bought',
          [
            { t: 'identify', v: 0, c: 1 },
            { t: 'frame', v: 0, days: 5, sections: [], cart: 150 },
            { t: 'purchase', v: 0, days: 1, revenue: 150 },
          ],
          { field: 'cart.abandoned', op: 'gte', value: 100 },
          [],
        ],
        [
          'optin',
          [{ t: 'optIn', c: 1, channel: 'whatsapp', keep: true }],
          { field: 'consent', op: 'contains', value: 'whatsapp' },
          ['con_optin_1'],
        ],
        [
          'optout',
          [
            { t: 'optIn', c: 1, channel: 'whatsapp', keep: true },
            { t: 'optOut', c: 1, channel: 'whatsapp' },
          ],
          { field: 'consent', op: 'contains', value: 'whatsapp' },
          [],
        ],
        [
          'merged',
          [
            { t: 'optIn', c: 1, channel: 'sms', keep: false },
            { t: 'merge', kept: 0, merged: 1 },
          ],
          { field: 'consent', op: 'contains', value: 'sms' },
          ['con_merged_0'],
        ],
        [
          'device',
          [{ t: 'device', c: 2, token: 0 }],
          { field: 'channel', op: 'contains', value: 'push' },
          ['con_device_2'],
        ],
        [
          'moved',
          [
            { t: 'device', c: 2, token: 0 },
            { t: 'device', c: 0, token: 0 },
          ],
          { field: 'channel', op: 'contains', value: 'push' },
          ['con_moved_0'],
        ],
        [
          'dropped',
          [
            { t: 'device', c: 2, token: 0 },
            { t: 'dropDevice', token: 0 },
          ],
          { field: 'channel', op: 'contains', value: 'push' },
          [],
        ],
      ];
      for (const [tag, ops, filter, members] of cases) {
        const t = await newTenant(srv);
        await apply(s, t.accountId, t.site.id, ops, tag);
        assert.deepEqual(await s.segments.members(t.accountId, filter, { limit: 10 }), members, tag);
        assert.equal(await s.segments.count(t.accountId, filter), members.length, tag);
      }
    });

    it('a visitor who browsed and bought before the identify brings its history to the contact', async () => {
      const t = await newTenant(srv);
      const s = srv.node.ctx.store;
      await apply(
        s,
        t.accountId,
        t.site.id,
        [
          { t: 'purchase', v: 0, days: 3, revenue: 120 },
          { t: 'visit', v: 0, days: 2, country: 'DE' },
          { t: 'identify', v: 0, c: 1 },
        ],
        'late',
      );
      const filter = {
        all: [
          { field: 'purchases.value', op: 'gte', value: 100 },
          { field: 'country', op: 'equals', value: 'DE' },
        ],
      } as SegmentFilter;
      assert.deepEqual(await s.segments.members(t.accountId, filter, { limit: 10 }), ['con_late_1']);
    });
  });
}
