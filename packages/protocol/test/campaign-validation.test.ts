import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_CONDITION_DEPTH, MAX_CONDITION_NODES } from '../src/campaign.ts';
import { opsForField, resolveField } from '../src/campaign-fields.ts';
import { validateCampaignInput } from '../src/campaign-validation.ts';

const base = {
  name: 'Checkout hesitation',
  status: 'active',
  goal: { type: 'purchase' },
  targeting: {
    all: [
      { field: 'page.section', op: 'contains', value: 'checkout' },
      { field: 'page.timeOnPage', op: 'gte', value: 30 },
      { field: 'cart.total', op: 'gte', value: 100 },
    ],
  },
  controlShare: 0.1,
  engagement: {
    type: 'chat_invitation',
    skillId: 'sales',
    message: 'Need a hand?',
    style: 'toaster',
    offline: 'none',
  },
};

/** The errors for `input`, as "path message" strings. */
function faults(input: unknown): string[] {
  const r = validateCampaignInput(input);
  assert.equal(r.ok, false, 'expected the input to be refused');
  return r.ok ? [] : r.errors.map((e) => e.path);
}
const withTargeting = (targeting: unknown) => ({ ...base, targeting });

describe('validateCampaignInput', () => {
  it('accepts a valid campaign and fills defaults', () => {
    const r = validateCampaignInput(base);
    assert.ok(r.ok);
    assert.equal(r.value.priority, 0);
    assert.equal(r.value.attributionWindowDays, 7);
    assert.deepEqual(r.value.frequency, { afterDecline: 'next_session' });
    assert.equal(r.value.controlShare, 0.1);
    assert.equal('id' in r.value, false);
    assert.notEqual(r.value.targeting, base.targeting, 'the value is a copy');
  });

  it('accepts every operator on a field that supports it', () => {
    const leaves = [
      { field: 'page.url', op: 'matches', value: '/checkout*' },
      { field: 'page.url', op: 'matches', value: { regex: '^https://[^/]+/cart$', flags: 'i' } },
      { field: 'page.url', op: 'equals', value: 'https://a/' },
      { field: 'page.url', op: 'not_equals', value: 'https://a/' },
      { field: 'page.url', op: 'contains', value: 'sale' },
      { field: 'visitor.device', op: 'in', value: ['mobile', 'tablet'] },
      { field: 'cart.total', op: 'lte', value: 10 },
      { field: 'cart.total', op: 'changed' },
      { field: 'cart.total', op: 'decreased', value: 5 },
      { field: 'cart.items', op: 'increased' },
      { field: 'event.video_play', op: 'within', value: 60 },
      { field: 'attr.purchase', op: 'within', value: 86400 },
      { field: 'attr.customer.tier', op: 'changed' },
      { field: 'session.sectionViews.product', op: 'gte', value: 3 },
      { field: 'visitor.returning', op: 'equals', value: true },
      { field: 'score', op: 'gte', value: 0.5 },
    ];
    const r = validateCampaignInput(withTargeting({ any: [...leaves, { not: { all: [] } }] }));
    assert.equal(r.ok, true, JSON.stringify(r.ok ? null : r.errors));
  });

  it('refuses invalid trees with the path of each fault', () => {
    assert.deepEqual(
      faults(
        withTargeting({
          all: [{ field: 'page.url', op: 'matches', value: '/x*' }, {}, { field: 'cart.total', op: 'like' }],
        }),
      ),
      ['/targeting/all/1/field', '/targeting/all/2/op'],
    );
    assert.deepEqual(faults(withTargeting({ all: [{ field: 'page.colour', op: 'equals', value: 'red' }] })), [
      '/targeting/all/0/field',
    ]);
    assert.deepEqual(
      faults(withTargeting({ any: [{ not: { field: 'cart.total', op: 'gte', value: '100' } }] })),
      ['/targeting/any/0/not/value'],
    );
    assert.deepEqual(
      faults(withTargeting({ all: [{ field: 'page.url', op: 'matches', value: { regex: '(' } }] })),
      ['/targeting/all/0/value'],
    );
    assert.deepEqual(
      faults(
        withTargeting({ all: [{ field: 'page.url', op: 'matches', value: { regex: 'a', flags: 'g' } }] }),
      ),
      ['/targeting/all/0/value'],
    );
    assert.deepEqual(faults(withTargeting({ all: {} })), ['/targeting/all']);
    assert.deepEqual(faults(withTargeting({ all: [], any: [] })), ['/targeting/any']);
    assert.deepEqual(faults(withTargeting({ field: 'cart.total', op: 'gte', value: 1, extra: 1 })), [
      '/targeting/extra',
    ]);
    assert.deepEqual(faults(withTargeting([])), ['/targeting']);
    assert.deepEqual(faults(withTargeting({ field: 'page.timeOnPage', op: 'equals', value: 3 })), [
      '/targeting/op',
    ]);
    assert.deepEqual(faults(withTargeting({ field: 'cart.total', op: 'changed', value: 3 })), [
      '/targeting/value',
    ]);
    assert.deepEqual(faults(withTargeting({ field: 'visitor.device', op: 'in', value: ['mobile', 3] })), [
      '/targeting/value',
    ]);
    assert.deepEqual(faults(withTargeting({ field: 'visitor.device', op: 'in', value: [] })), [
      '/targeting/value',
    ]);
    assert.deepEqual(faults(withTargeting({ field: 'event.x', op: 'within', value: 0 })), [
      '/targeting/value',
    ]);
    assert.deepEqual(faults(withTargeting({ field: 'cart.total', op: 'gte', value: Number.NaN })), [
      '/targeting/value',
    ]);
    assert.deepEqual(faults(withTargeting({ field: 'attr.customer.favourite', op: 'equals', value: 'x' })), [
      '/targeting/field',
    ]);
    assert.deepEqual(faults(withTargeting({ field: 'attr.secret', op: 'within', value: 5 })), [
      '/targeting/field',
    ]);
    assert.deepEqual(faults(withTargeting({ field: 'visitor.returning', op: 'equals', value: 'yes' })), [
      '/targeting/value',
    ]);
  });

  it('refuses an empty any, which would match no visitor, and keeps an empty all for everyone', () => {
    assert.deepEqual(faults(withTargeting({ any: [] })), ['/targeting/any']);
    const nested = { all: [{ field: 'score', op: 'gte', value: 0.5 }, { not: { any: [] } }] };
    assert.deepEqual(faults(withTargeting(nested)), ['/targeting/all/1/not/any']);
    const r = validateCampaignInput(withTargeting({ any: [] }));
    assert.ok(!r.ok);
    assert.match(r.errors[0]!.message, /no visitor/);
    assert.ok(validateCampaignInput(withTargeting({ all: [] })).ok, 'an empty all targets every visitor');
    assert.ok(validateCampaignInput(withTargeting({ all: [{ all: [] }] })).ok);
    // A campaign stored before the rule keeps working when a change leaves its targeting alone.
    assert.ok(validateCampaignInput(withTargeting({ any: [] }), { allowEmptyAny: true }).ok);
  });

  it('escapes odd keys in paths', () => {
    assert.deepEqual(faults(withTargeting({ field: 'cart.total', op: 'gte', value: 1, 'a/b~c': 1 })), [
      '/targeting/a~1b~0c',
    ]);
  });

  it('bounds depth and size so a hostile tree stays cheap', () => {
    let deep: unknown = { field: 'cart.total', op: 'gte', value: 1 };
    for (let i = 0; i < MAX_CONDITION_DEPTH + 5; i++) deep = { not: deep };
    const paths = faults(withTargeting(deep));
    assert.equal(paths.length, 1);
    assert.equal(paths[0], `/targeting${'/not'.repeat(MAX_CONDITION_DEPTH)}`);
    const wide = {
      any: Array.from({ length: MAX_CONDITION_NODES + 50 }, () => ({ field: 'score', op: 'gte', value: 1 })),
    };
    assert.deepEqual(faults(withTargeting(wide)), [`/targeting/any/${MAX_CONDITION_NODES - 1}`]);
  });

  it('refuses bad top-level fields with their paths', () => {
    assert.deepEqual(faults({ ...base, name: '' }), ['/name']);
    assert.deepEqual(faults({ ...base, status: 'live' }), ['/status']);
    assert.deepEqual(faults({ ...base, owner: 'me' }), ['/owner']);
    const { targeting: _t, ...noTargeting } = base;
    assert.deepEqual(faults(noTargeting), ['/targeting']);
    assert.deepEqual(faults({ ...base, controlShare: 0.95 }), ['/controlShare']);
    assert.deepEqual(faults({ ...base, priority: 1.5 }), ['/priority']);
    assert.deepEqual(faults({ ...base, attributionWindowDays: 0 }), ['/attributionWindowDays']);
    assert.deepEqual(faults({ ...base, goal: { type: 'event' } }), ['/goal/name']);
    assert.deepEqual(faults({ ...base, goal: { type: 'signup' } }), ['/goal/type']);
    assert.deepEqual(faults({ ...base, frequency: { afterDecline: 'sometimes' } }), [
      '/frequency/afterDecline',
    ]);
    assert.deepEqual(faults(null), ['']);
  });

  it('refuses bad engagements, including unsafe links', () => {
    const content = {
      type: 'content',
      title: 'Sale',
      text: '10% off',
      ctaLabel: 'Shop',
      ctaUrl: 'https://a.test/',
    };
    assert.equal(validateCampaignInput({ ...base, engagement: content }).ok, true);
    assert.deepEqual(faults({ ...base, engagement: { ...content, ctaUrl: 'javascript:alert(1)' } }), [
      '/engagement/ctaUrl',
    ]);
    assert.deepEqual(
      faults({ ...base, engagement: { ...content, imageUrl: 'data:image/png;base64,AAAA' } }),
      ['/engagement/imageUrl'],
    );
    assert.deepEqual(faults({ ...base, engagement: { type: 'popup' } }), ['/engagement/type']);
    assert.deepEqual(faults({ ...base, engagement: { ...base.engagement, style: 'modal' } }), [
      '/engagement/style',
    ]);
    assert.deepEqual(faults({ ...base, engagement: { type: 'chat_button', skillId: 'sales' } }), [
      '/engagement/label',
    ]);
  });

  it('checks schedules: known time zone, sane window', () => {
    const schedule = {
      timeZone: 'America/New_York',
      days: [1, 2, 3, 4, 5],
      startMinute: 540,
      endMinute: 1020,
    };
    assert.equal(validateCampaignInput({ ...base, schedule }).ok, true);
    assert.equal(
      validateCampaignInput({ ...base, schedule: { ...schedule, startMinute: 1320, endMinute: 360 } }).ok,
      true,
    );
    assert.deepEqual(faults({ ...base, schedule: { ...schedule, timeZone: 'Mars/Olympus' } }), [
      '/schedule/timeZone',
    ]);
    assert.deepEqual(faults({ ...base, schedule: { ...schedule, days: [7] } }), ['/schedule/days/0']);
    assert.deepEqual(faults({ ...base, schedule: { ...schedule, days: [1, 1] } }), ['/schedule/days']);
    assert.deepEqual(faults({ ...base, schedule: { ...schedule, endMinute: 540 } }), ['/schedule/endMinute']);
  });

  it('resolves field names and the operators each accepts', () => {
    assert.deepEqual(resolveField('session.sectionViews.checkout'), {
      name: 'session.sectionViews.checkout',
      base: 'session.sectionViews',
      kind: 'number',
      history: false,
      key: 'checkout',
    });
    assert.equal(resolveField('constructor'), null);
    assert.equal(resolveField('attr.__proto__.x'), null);
    assert.deepEqual(opsForField(resolveField('page.timeOnPage')!), ['gte', 'lte']);
    assert.ok(opsForField(resolveField('attr.cart.total')!).includes('decreased'));
  });
});
