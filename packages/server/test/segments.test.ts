import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SegmentFilter } from '@beckon/protocol';
import { newTenant } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { cookieFor } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { DAY, expectedMembers, type Person, seedPeople } from './segment-fixtures.ts';

/**
 * Segments over real rows: each kind of filter selects the right people, counted and listed by
 * the store on SQLite and PostgreSQL; the API validates filters, pages members, keeps accounts
 * apart, lets only admins change segments, and records changes in the audit log.
 */
const PEOPLE: Person[] = [
  // 0 Anna: a loyal buyer in Germany, reachable everywhere
  {
    name: 'Anna Berg',
    email: 'anna@example.com',
    phone: '+491701111111',
    attributes: { plan: 'pro', seats: 12, beta: true },
    consents: ['sms', 'whatsapp'],
    push: true,
    purchases: [
      { daysAgo: 200, revenue: 120 },
      { daysAgo: 10, revenue: 80 },
    ],
    sessions: [
      { daysAgo: 30, country: 'FR', score: 0.2 },
      { daysAgo: 2, country: 'DE', score: 0.9 },
    ],
    pages: [{ daysAgo: 3, sections: ['shoes', 'sale'] }],
    lastSeenDaysAgo: 2,
  },
  // 1 Ben: e-mail only, opted out of e-mail, left a big cart
  {
    name: 'Ben Cole',
    email: 'ben@example.com',
    phone: null,
    emailOptOut: true,
    attributes: { plan: 'free', seats: '12' },
    carts: [{ daysAgo: 5, total: 250 }],
    sessions: [{ daysAgo: 5, country: 'US', score: 0.4 }],
    pages: [{ daysAgo: 40, sections: ['shoes'] }],
    lastSeenDaysAgo: 5,
  },
  // 2 Cara: texted STOP, but WhatsApp opt-in; bought once long ago, then left a cart and bought after it
  {
    name: 'Cara Diaz',
    email: null,
    phone: '+34600000000',
    smsOptOut: true,
    consents: ['sms', 'whatsapp'],
    purchases: [
      { daysAgo: 400, revenue: 30 },
      { daysAgo: 1, revenue: 60 },
    ],
    carts: [{ daysAgo: 3, total: 300 }],
    sessions: [{ daysAgo: 1, country: 'ES', score: null }],
    lastSeenDaysAgo: 1,
  },
  // 3 Dan: never bought, not seen for months, no visits with a country
  { name: 'Dan Evans', email: 'dan@example.org', phone: null, lastSeenDaysAgo: 120, createdDaysAgo: 400 },
  // 4 Dan's second record, merged into Dan: its push device and its purchase count for Dan
  {
    name: 'D. Evans',
    email: 'd.evans@example.org',
    phone: null,
    push: true,
    purchases: [{ daysAgo: 20, revenue: 40 }],
    mergedInto: 3,
  },
];

const pgSkip = postgresSkipReasonNow();

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`segments (${store})`, {
    skip: store === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 120_000,
  }, () => {
    let srv: TestServer;
    let t: Awaited<ReturnType<typeof newTenant>>;
    let ids: string[];
    const now = Date.now();
    const byName = (members: Iterable<string>) =>
      [...members].map((id) => PEOPLE[ids.indexOf(id)]!.name).sort();

    before(async () => {
      srv = await startTestServer({ store });
      t = await newTenant(srv);
      ids = await seedPeople(srv.node.ctx.store, t.accountId, t.site.id, PEOPLE, now, 'ex');
    });
    after(() => srv?.close());

    const cases: [string, SegmentFilter, string[]][] = [
      ['a custom text attribute', { field: 'attribute.plan', op: 'equals', value: 'pro' }, ['Anna Berg']],
      [
        'a number attribute is not its text',
        { field: 'attribute.seats', op: 'gte', value: 10 },
        ['Anna Berg'],
      ],
      ['a yes/no attribute', { field: 'attribute.beta', op: 'equals', value: true }, ['Anna Berg']],
      [
        'an attribute set at all',
        { field: 'attribute.plan', op: 'exists', value: true },
        ['Anna Berg', 'Ben Cole'],
      ],
      [
        'no such attribute',
        { field: 'attribute.plan', op: 'exists', value: false },
        ['Cara Diaz', 'Dan Evans'],
      ],
      [
        'e-mail, case-blind',
        { field: 'contact.email', op: 'equals', value: 'ANNA@example.com' },
        ['Anna Berg'],
      ],
      ['e-mail domain', { field: 'contact.email', op: 'contains', value: '.org' }, ['Dan Evans']],
      [
        'reachable by e-mail (opt-out excluded)',
        { field: 'channel', op: 'contains', value: 'email' },
        ['Anna Berg', 'Dan Evans'],
      ],
      ['reachable by SMS (STOP excluded)', { field: 'channel', op: 'contains', value: 'sms' }, ['Anna Berg']],
      [
        'reachable on WhatsApp',
        { field: 'channel', op: 'contains', value: 'whatsapp' },
        ['Anna Berg', 'Cara Diaz'],
      ],
      [
        'push through a merged record',
        { field: 'channel', op: 'contains', value: 'push' },
        ['Anna Berg', 'Dan Evans'],
      ],
      [
        'not reachable on WhatsApp',
        { field: 'channel', op: 'not_contains', value: 'whatsapp' },
        ['Ben Cole', 'Dan Evans'],
      ],
      [
        'opted in to SMS, STOP or not',
        { field: 'consent', op: 'contains', value: 'sms' },
        ['Anna Berg', 'Cara Diaz'],
      ],
      [
        'seen in the last 7 days',
        { field: 'contact.lastSeen', op: 'within', value: 7 * 86_400 },
        ['Anna Berg', 'Ben Cole', 'Cara Diaz'],
      ],
      [
        'not seen for 90 days',
        { field: 'contact.lastSeen', op: 'not_within', value: 90 * 86_400 },
        ['Dan Evans'],
      ],
      [
        'two purchases or more',
        { field: 'purchases.count', op: 'gte', value: 2 },
        ['Anna Berg', 'Cara Diaz'],
      ],
      ['never bought', { field: 'purchases.count', op: 'equals', value: 0 }, ['Ben Cole']],
      [
        'spent at most 50 (nothing counts)',
        { field: 'purchases.value', op: 'lte', value: 50 },
        ['Ben Cole', 'Dan Evans'],
      ],
      ['spent over 100', { field: 'purchases.value', op: 'gte', value: 100 }, ['Anna Berg']],
      [
        'bought in the last 30 days',
        { field: 'purchases.last', op: 'within', value: 30 * 86_400 },
        ['Anna Berg', 'Cara Diaz', 'Dan Evans'],
      ],
      [
        'no purchase since a date',
        {
          field: 'purchases.last',
          op: 'not_since',
          value: new Date(now - 15 * DAY).toISOString().slice(0, 10),
        },
        ['Ben Cole', 'Dan Evans'],
      ],
      ['purchase score of the latest visit', { field: 'score', op: 'gte', value: 0.5 }, ['Anna Berg']],
      ['country of the latest visit', { field: 'country', op: 'equals', value: 'DE' }, ['Anna Berg']],
      [
        'country in a list',
        { field: 'country', op: 'in', value: ['US', 'ES', 'FR'] },
        ['Ben Cole', 'Cara Diaz'],
      ],
      [
        'viewed the shoes section this week',
        { field: 'section.shoes', op: 'within', value: 7 * 86_400 },
        ['Anna Berg'],
      ],
      [
        'viewed shoes in 60 days',
        { field: 'section.shoes', op: 'within', value: 60 * 86_400 },
        ['Anna Berg', 'Ben Cole'],
      ],
      ['left a cart worth more than 200', { field: 'cart.abandoned', op: 'gte', value: 200 }, ['Ben Cole']],
      [
        'a combination: any of two, not a third',
        {
          all: [
            {
              any: [
                { field: 'country', op: 'equals', value: 'DE' },
                { field: 'cart.abandoned', op: 'gte', value: 1 },
              ],
            },
            { not: { field: 'contact.emailOptOut', op: 'equals', value: true } },
          ],
        },
        ['Anna Berg'],
      ],
      ['everybody (an empty all)', { all: [] }, ['Anna Berg', 'Ben Cole', 'Cara Diaz', 'Dan Evans']],
    ];

    for (const [title, filter, names] of cases) {
      it(`${title}: counted and listed by the store`, async () => {
        const segs = srv.node.ctx.store.segments;
        const members = await segs.members(t.accountId, filter, { limit: 100, now });
        assert.deepEqual(byName(members), names);
        assert.equal(await segs.count(t.accountId, filter, now), names.length);
        assert.deepEqual(byName(expectedMembers(PEOPLE, ids, filter, now)), names, 'the reference agrees');
      });
    }

    it('reads attributes written with JSON escapes or spaces as their values', async () => {
      // Another writer may spell the same JSON differently: the text is searched before it is parsed.
      const other = await newTenant(srv);
      const texts = [
        '{"plan":"pro"}',
        '{"\\u0070lan":"pro"}',
        '{"plan" : "\\u0070ro", "x": 1}',
        '{"plan":"pro "}',
        '{"plan":["pro"]}',
        '{"planet":"pro"}',
        '{"seats":"\\"pro\\""}',
      ];
      const people = texts.map((_, i) => ({ name: `P${i}`, email: null, phone: null }));
      const ids = await seedPeople(srv.node.ctx.store, other.accountId, other.site.id, people, now, 'esc');
      for (const [i, text] of texts.entries())
        await srv.node.ctx.store.db
          .updateTable('contacts')
          .set({ attributes: text })
          .where('id', '=', ids[i]!)
          .execute();
      const segs = srv.node.ctx.store.segments;
      const names = async (filter: SegmentFilter) => {
        const members = await segs.members(other.accountId, filter, { limit: 100, now });
        assert.equal(await segs.count(other.accountId, filter, now), members.length);
        return members.map((id) => people[ids.indexOf(id)]!.name).sort();
      };
      assert.deepEqual(await names({ field: 'attribute.plan', op: 'equals', value: 'pro' }), [
        'P0',
        'P1',
        'P2',
      ]);
      assert.deepEqual(await names({ field: 'attribute.plan', op: 'in', value: ['pro', 'pro '] }), [
        'P0',
        'P1',
        'P2',
        'P3',
      ]);
      assert.deepEqual(await names({ field: 'attribute.plan', op: 'exists', value: true }), [
        'P0',
        'P1',
        'P2',
        'P3',
        'P4',
      ]);
      assert.deepEqual(await names({ field: 'attribute.seats', op: 'equals', value: '"pro"' }), ['P6']);
      assert.deepEqual(await names({ not: { field: 'attribute.plan', op: 'equals', value: 'pro' } }), [
        'P3',
        'P4',
        'P5',
        'P6',
      ]);
    });

    it('pages members in id order without repeats', async () => {
      const segs = srv.node.ctx.store.segments;
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await segs.members(t.accountId, { all: [] }, { limit: 1, afterContactId: after, now });
        if (page.length === 0) break;
        seen.push(...page);
        after = page.at(-1);
      }
      assert.equal(seen.length, 4);
      assert.deepEqual(seen, [...seen].sort());
    });

    it('API: create, list with counts, read, page, change, delete; each change in the audit log', async () => {
      const created = await t.api.request('POST', '/api/v1/segments', {
        name: 'Reachable buyers',
        filter: {
          all: [
            { field: 'purchases.count', op: 'gte', value: 1 },
            { field: 'channel', op: 'in', value: ['email', 'whatsapp'] },
          ],
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.count, 3);
      const id = created.body.id as string;
      assert.match(id, /^seg_/);

      const list = await t.api.request('GET', '/api/v1/segments');
      assert.deepEqual(
        list.body.items.map((s: { name: string; count: number }) => [s.name, s.count]),
        [['Reachable buyers', 3]],
      );
      const one = await t.api.request('GET', `/api/v1/segments/${id}`);
      assert.equal(one.body.count, 3);

      const first = await t.api.request('GET', `/api/v1/segments/${id}/contacts?limit=2`);
      assert.equal(first.status, 200);
      assert.equal(first.body.items.length, 2);
      const rest = await t.api.request(
        'GET',
        `/api/v1/segments/${id}/contacts?limit=2&after=${first.body.next}`,
      );
      assert.equal(rest.body.items.length, 1);
      assert.equal(rest.body.next, null);
      assert.deepEqual(
        [...first.body.items, ...rest.body.items].map((m: { name: string }) => m.name).sort(),
        ['Anna Berg', 'Cara Diaz', 'Dan Evans'],
      );

      const patched = await t.api.request('PATCH', `/api/v1/segments/${id}`, {
        filter: { field: 'country', op: 'equals', value: 'ES' },
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.name, 'Reachable buyers');
      assert.equal(patched.body.count, 1);

      const preview = await t.api.request('POST', '/api/v1/segments/preview', {
        filter: { field: 'channel', op: 'contains', value: 'email' },
        limit: 1,
      });
      assert.equal(preview.status, 200);
      assert.equal(preview.body.count, 2);
      assert.equal(preview.body.members.length, 1);

      assert.equal((await t.api.request('DELETE', `/api/v1/segments/${id}`)).status, 204);
      assert.equal((await t.api.request('GET', `/api/v1/segments/${id}`)).status, 404);

      const audit = await srv.node.ctx.store.audit.list(t.accountId, { limit: 50 });
      const actions = audit
        .filter((e: { action: string }) => e.action.startsWith('segment.'))
        .map((e: { action: string }) => e.action);
      for (const a of ['segment.created', 'segment.updated', 'segment.deleted'])
        assert.ok(actions.includes(a), `${a} in ${actions}`);
    });

    it('documents every segment route in the OpenAPI document', async () => {
      const doc = (await t.api.request('GET', '/api/openapi.json')).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      const ops = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/api/v1/segments'))
        .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
        .sort();
      assert.deepEqual(ops, [
        'DELETE /api/v1/segments/{id}',
        'GET /api/v1/segments',
        'GET /api/v1/segments/{id}',
        'GET /api/v1/segments/{id}/contacts',
        'PATCH /api/v1/segments/{id}',
        'POST /api/v1/segments',
        'POST /api/v1/segments/preview',
      ]);
    });

    it('refuses a bad filter with 400 naming the path: unknown field, wrong operator, wrong value type', async () => {
      const bad: [unknown, RegExp][] = [
        [{ field: 'contact.shoeSize', op: 'equals', value: 'x' }, /\/filter\/field: unknown field/],
        [
          { all: [{ field: 'purchases.count', op: 'contains', value: 'x' }] },
          /\/filter\/all\/0\/op: field purchases.count accepts/,
        ],
        [{ field: 'purchases.count', op: 'gte', value: 'two' }, /\/filter\/value: must be a finite number/],
        [{ field: 'country', op: 'equals', value: 'Germany' }, /unknown country code/],
        [{ field: 'channel', op: 'contains', value: 'pigeon' }, /must be one of email, sms, whatsapp, push/],
        [{ field: 'purchases.last', op: 'since', value: 'last tuesday' }, /must be a date/],
        [{ any: [] }, /\/filter\/any: must list at least one/],
        ['everyone', /\/filter: must be an object/],
      ];
      for (const [filter, message] of bad) {
        for (const [method, url, body] of [
          ['POST', '/api/v1/segments', { name: 'x', filter }],
          ['POST', '/api/v1/segments/preview', { filter }],
        ] as const) {
          const res = await t.api.request(method, url, body);
          assert.equal(res.status, 400, `${url} ${JSON.stringify(filter)}`);
          assert.equal(res.body.error.code, 'invalid_segment');
          assert.match(res.body.error.message, message);
        }
      }
      const noName = await t.api.request('POST', '/api/v1/segments', { filter: { all: [] } });
      assert.equal(noName.status, 400);
      assert.match(noName.body.error.message, /\/name/);
    });

    it("keeps accounts apart: another account's segments and contacts are invisible", async () => {
      const mine = await t.api.request('POST', '/api/v1/segments', { name: 'Everyone', filter: { all: [] } });
      const other = await newTenant(srv);
      assert.equal((await other.api.request('GET', `/api/v1/segments/${mine.body.id}`)).status, 404);
      assert.equal((await other.api.request('GET', `/api/v1/segments/${mine.body.id}/contacts`)).status, 404);
      assert.equal(
        (await other.api.request('PATCH', `/api/v1/segments/${mine.body.id}`, { name: 'Mine now' })).status,
        404,
      );
      assert.equal((await other.api.request('DELETE', `/api/v1/segments/${mine.body.id}`)).status, 404);
      assert.deepEqual((await other.api.request('GET', '/api/v1/segments')).body.items, []);
      const preview = await other.api.request('POST', '/api/v1/segments/preview', { filter: { all: [] } });
      assert.deepEqual(preview.body, { count: 0, members: [] });
      assert.equal((await t.api.request('GET', `/api/v1/segments/${mine.body.id}`)).body.count, 4);
    });

    it('lets an agent read segments but not change them', async () => {
      const { hashPassword } = await import('../src/auth/passwords.ts');
      const email = `agent-${store}@segments.test`;
      await srv.node.ctx.store.users.create(t.accountId, {
        email,
        name: 'Agent',
        role: 'agent',
        passwordHash: await hashPassword('agent-pw-123'),
      });
      const s = await cookieFor(srv, email);
      const agent = new ApiClient(srv.node.app);
      agent.cookie = s.cookie;
      agent.csrf = s.csrf;
      assert.equal((await agent.request('GET', '/api/v1/segments')).status, 200);
      assert.equal(
        (await agent.request('POST', '/api/v1/segments/preview', { filter: { all: [] } })).status,
        200,
      );
      assert.equal(
        (await agent.request('POST', '/api/v1/segments', { name: 'x', filter: { all: [] } })).status,
        403,
      );
    });
  });
}
