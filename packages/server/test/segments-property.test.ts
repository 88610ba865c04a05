import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type SegmentFilter, type SegmentLeaf, validateSegmentFilter } from '@beckon/protocol';
import fc from 'fast-check';
import { newTenant } from './engagement-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { DAY, expectedMembers, type Person, seedPeople } from './segment-fixtures.ts';

/**
 * Generated people with generated histories, and generated filters over them: the store's
 * members are exactly those a plain evaluation picks, and its count is the number of members
 * listed page by page (no repeats, ids ascending).
 */
const days = (max: number) => fc.integer({ min: 0, max });
const person: fc.Arbitrary<Person & { merge: number | null }> = fc.record({
  name: fc.constantFrom('Ann Lee', 'bob', 'Cleo Ann', null),
  email: fc.constantFrom('ann@x.com', 'bob@shop.org', null),
  phone: fc.constantFrom('+4917012345', null),
  verified: fc.boolean(),
  attributes: fc.record(
    {
      plan: fc.constantFrom('pro', 'free'),
      seats: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant('5')),
      vip: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  emailOptOut: fc.boolean(),
  smsOptOut: fc.boolean(),
  createdDaysAgo: days(500),
  lastSeenDaysAgo: days(200),
  consents: fc.subarray(['sms', 'whatsapp'] as ('sms' | 'whatsapp')[]),
  push: fc.boolean(),
  purchases: fc.array(fc.record({ daysAgo: days(300), revenue: fc.integer({ min: 0, max: 200 }) }), {
    maxLength: 3,
  }),
  sessions: fc.array(
    fc.record({
      daysAgo: days(100),
      country: fc.constantFrom('DE', 'US', 'FR', null),
      score: fc.constantFrom(null, 0.1, 0.5, 0.9),
    }),
    { maxLength: 3 },
  ),
  pages: fc.array(fc.record({ daysAgo: days(60), sections: fc.subarray(['shoes', 'sale', 'blog']) }), {
    maxLength: 2,
  }),
  carts: fc.array(fc.record({ daysAgo: days(60), total: fc.integer({ min: 0, max: 400 }) }), {
    maxLength: 2,
  }),
  merge: fc.option(fc.nat(6), { nil: null }),
});

const leaf = (
  field: string,
  ops: SegmentLeaf['op'][],
  value: fc.Arbitrary<unknown>,
): fc.Arbitrary<SegmentFilter> =>
  fc.record({ field: fc.constant(field), op: fc.constantFrom(...ops), value }) as fc.Arbitrary<SegmentFilter>;
const seconds = (maxDays: number) => fc.integer({ min: 1, max: maxDays }).map((d) => d * 86_400);
const dateBack = (now: number) =>
  fc.integer({ min: 0, max: 300 }).map((d) => new Date(now - d * DAY).toISOString().slice(0, 10));

function filterOf(now: number): fc.Arbitrary<SegmentFilter> {
  const leaves = fc.oneof(
    leaf(
      'contact.name',
      ['equals', 'not_equals', 'contains'],
      fc.constantFrom('Ann Lee', 'bob', 'ann', 'BO'),
    ),
    leaf('contact.name', ['in'], fc.constant(['bob', 'Cleo Ann'])),
    leaf('contact.email', ['exists'], fc.boolean()),
    leaf('contact.phone', ['exists'], fc.boolean()),
    leaf('contact.verified', ['equals'], fc.boolean()),
    leaf('contact.emailOptOut', ['equals'], fc.boolean()),
    leaf('contact.lastSeen', ['within', 'not_within'], seconds(200)),
    leaf('contact.createdAt', ['since', 'not_since'], dateBack(now)),
    leaf('channel', ['contains', 'not_contains'], fc.constantFrom('email', 'sms', 'whatsapp', 'push')),
    leaf('channel', ['in'], fc.subarray(['email', 'sms', 'whatsapp', 'push'], { minLength: 1 })),
    leaf('consent', ['contains', 'not_contains'], fc.constantFrom('sms', 'whatsapp')),
    leaf('purchases.count', ['equals', 'not_equals', 'gte', 'lte'], fc.integer({ min: 0, max: 3 })),
    leaf('purchases.value', ['gte', 'lte'], fc.integer({ min: 0, max: 300 })),
    leaf('purchases.last', ['within', 'not_within'], seconds(300)),
    leaf('purchases.last', ['since', 'not_since'], dateBack(now)),
    leaf('score', ['equals', 'gte', 'lte', 'not_equals'], fc.constantFrom(0.1, 0.5, 0.9)),
    leaf('country', ['equals', 'not_equals'], fc.constantFrom('DE', 'US')),
    leaf('country', ['in'], fc.constant(['FR', 'US'])),
    leaf('country', ['exists'], fc.boolean()),
    leaf('attribute.plan', ['equals', 'not_equals', 'contains'], fc.constantFrom('pro', 'free', 'R')),
    leaf('attribute.seats', ['gte', 'lte', 'equals'], fc.integer({ min: 0, max: 20 })),
    leaf('attribute.seats', ['equals'], fc.constant('5')),
    leaf('attribute.seats', ['in'], fc.constant(['5', 5])),
    leaf('attribute.vip', ['equals'], fc.boolean()),
    leaf('attribute.vip', ['exists'], fc.boolean()),
    leaf('section.shoes', ['within', 'not_within'], seconds(60)),
    leaf('section.sale', ['within'], seconds(60)),
    leaf('cart.abandoned', ['gte'], fc.integer({ min: 0, max: 400 })),
  );
  return fc.letrec<{ f: SegmentFilter }>((tie) => ({
    f: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaves,
      fc.record({ all: fc.array(tie('f'), { maxLength: 3 }) }),
      fc.record({ any: fc.array(tie('f'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ not: tie('f') }),
    ),
  })).f;
}

/** Each merged person joins an earlier one that stands on its own. */
function people(raw: (Person & { merge: number | null })[]): Person[] {
  const out: Person[] = [];
  for (const [i, { merge, ...p }] of raw.entries()) {
    const target = merge === null || merge >= i || out[merge]!.mergedInto !== undefined ? undefined : merge;
    out.push(target === undefined ? p : { ...p, mergedInto: target });
  }
  return out;
}

const pgSkip = postgresSkipReasonNow();

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`segment membership (${store}) agrees with a plain evaluation`, {
    skip: store === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 300_000,
  }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startTestServer({ store });
    });
    after(() => srv?.close());

    it('members are the reference members; count equals the members listed page by page', async () => {
      const now = Date.now();
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(person, { minLength: 1, maxLength: 7 }),
          fc.array(filterOf(now), { minLength: 3, maxLength: 3 }),
          async (raw, filters) => {
            const t = await newTenant(srv);
            const ps = people(raw);
            const ids = await seedPeople(srv.node.ctx.store, t.accountId, t.site.id, ps, now, `p${run++}`);
            const segs = srv.node.ctx.store.segments;
            for (const filter of filters) {
              assert.ok(validateSegmentFilter(filter, '', []), `a valid filter: ${JSON.stringify(filter)}`);
              const listed: string[] = [];
              let after: string | undefined;
              for (;;) {
                const page = await segs.members(t.accountId, filter, {
                  limit: 2,
                  afterContactId: after,
                  now,
                });
                listed.push(...page);
                if (page.length < 2) break;
                after = page.at(-1);
              }
              const why = JSON.stringify(filter);
              assert.equal(new Set(listed).size, listed.length, `no repeats: ${why}`);
              assert.deepEqual(listed, [...listed].sort(), `ids ascend: ${why}`);
              assert.equal(await segs.count(t.accountId, filter, now), listed.length, `count: ${why}`);
              assert.deepEqual(new Set(listed), expectedMembers(ps, ids, filter, now), `members: ${why}`);
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  });
}
