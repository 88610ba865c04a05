import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Campaign, Condition, Schedule } from '@beckon/protocol';
import { controlDraw, isControl } from '../src/targeting/control-group.ts';
import type { CapacityFn } from '../src/targeting/eligibility.ts';
import { isInSchedule, localTime, nextScheduleOpen } from '../src/targeting/schedule.ts';
import { TargetingEngine } from '../src/targeting/targeting-engine.ts';
import {
  ALL_FIELDS,
  applyEvent,
  createVisitorState,
  Field,
  startSession,
  type VisitorState,
} from '../src/visitor-state.ts';

const T0 = Date.UTC(2024, 5, 3, 12); // a Monday
const HOUR = 3_600_000;
const available: CapacityFn = () => 'available';
const busy: CapacityFn = () => 'busy';
const bigCart: Condition = { field: 'cart.total', op: 'gte', value: 100 };

function campaign(id: string, extra: Partial<Campaign> = {}): Campaign {
  return {
    id,
    name: id,
    status: 'active',
    goal: { type: 'purchase' },
    targeting: bigCart,
    frequency: { afterDecline: 'allow' },
    priority: 0,
    controlShare: 0,
    engagement: {
      type: 'chat_invitation',
      skillId: 'sales',
      message: 'Hi',
      style: 'toaster',
      offline: 'none',
    },
    attributionWindowDays: 7,
    ...extra,
  };
}
function engineWith(...campaigns: Campaign[]): TargetingEngine {
  let n = 0;
  const engine = new TargetingEngine({ newExposureId: () => `x${++n}` });
  assert.deepEqual(engine.setCampaigns(campaigns), []);
  return engine;
}
function visitor(id = 'v1'): VisitorState {
  return createVisitorState({ visitorId: id, sessionId: 's1', returning: false, device: 'desktop' }, T0);
}
const setCart = (s: VisitorState, total: number, now: number) =>
  applyEvent(s, { type: 'attr', attrType: 'cart', value: { items: [], total, currency: 'USD' }, ts: 0 }, now);
const answer = (s: VisitorState, outcome: 'dismissed' | 'accepted', now: number) =>
  applyEvent(
    s,
    { type: 'exposure_outcome', exposureId: s.exposures.at(-1)!.exposureId, outcome, ts: 0 },
    now,
  );

/** Drops the cart below and lifts it above 100 again: one new turn of the condition. */
function newTurn(engine: TargetingEngine, s: VisitorState, now: number, capacity = available) {
  engine.evaluate(s, setCart(s, 10, now), now, capacity);
  return engine.evaluate(s, setCart(s, 150, now + 1), now + 1, capacity);
}

describe('turns: a campaign fires when its condition becomes true', () => {
  it('fires once per turn, not on every event while it stays true', () => {
    const engine = engineWith(campaign('c'));
    const s = visitor();
    const d = engine.evaluate(s, setCart(s, 150, T0), T0, available);
    assert.deepEqual(d, {
      exposureId: 'x1',
      campaignId: 'c',
      control: false,
      engagement: campaign('c').engagement,
    });
    answer(s, 'accepted', T0 + 1);
    assert.equal(engine.evaluate(s, setCart(s, 160, T0 + 2), T0 + 2, available), null);
    assert.ok(newTurn(engine, s, T0 + 3));
  });

  it('re-tests only the campaigns whose inputs changed', () => {
    const engine = engineWith(campaign('c'));
    const s = visitor();
    engine.evaluate(s, ALL_FIELDS, T0, available);
    s.cart = { items: [], total: 500, itemCount: 0, currency: 'USD' }; // changed behind the reducer's back
    assert.equal(engine.evaluate(s, Field.Event | Field.Page, T0, available), null);
    assert.equal(engine.evaluate(s, Field.Cart, T0, available)?.campaignId, 'c');
  });

  it("keeps turns across a campaign-set change unless that campaign's targeting changed", () => {
    const engine = engineWith(campaign('c'));
    const s = visitor();
    assert.ok(engine.evaluate(s, setCart(s, 150, T0), T0, available));
    answer(s, 'accepted', T0 + 1);
    engine.setCampaigns([
      campaign('c'),
      campaign('other', { targeting: { field: 'score', op: 'gte', value: 0.9 } }),
    ]);
    assert.equal(engine.evaluate(s, 0, T0 + 2, available), null, 'adding a campaign does not re-offer c');
    engine.setCampaigns([campaign('c', { targeting: { field: 'cart.total', op: 'gte', value: 120 } })]);
    assert.equal(engine.evaluate(s, 0, T0 + 3, available)?.campaignId, 'c', 'edited targeting: a new turn');
  });

  it('engages everyone with an empty `all` on their first event, and no one with its negation', () => {
    const engine = engineWith(campaign('c', { targeting: { all: [] } }));
    assert.equal(engine.evaluate(visitor('first'), ALL_FIELDS, T0, available)?.campaignId, 'c');
    const s = visitor('page');
    assert.equal(engine.evaluate(s, Field.Page, T0, available)?.campaignId, 'c');
    const none = engineWith(campaign('n', { targeting: { not: { all: [] } } }));
    assert.equal(none.evaluate(visitor('nobody'), ALL_FIELDS, T0, available), null);
  });

  it('ignores paused and draft campaigns', () => {
    const engine = engineWith(campaign('p', { status: 'paused' }), campaign('d', { status: 'draft' }));
    const s = visitor();
    assert.equal(engine.evaluate(s, setCart(s, 150, T0), T0, available), null);
    assert.deepEqual(engine.campaigns, []);
  });

  it('reports campaigns whose targeting cannot compile instead of running them', () => {
    const engine = new TargetingEngine();
    const bad = campaign('bad', {
      targeting: { all: [{ field: 'cart.total', op: 'matches', value: 1 }] } as Condition,
    });
    const rejected = engine.setCampaigns([bad, campaign('ok')]);
    assert.deepEqual(
      rejected.map((r) => [r.campaignId, r.errors[0]?.path]),
      [['bad', '/all/0/op']],
    );
    assert.deepEqual(
      engine.campaigns.map((c) => c.id),
      ['ok'],
    );
  });
});

describe('priority', () => {
  it('picks the highest priority, then the smaller id, whatever the input order', () => {
    const list = [
      campaign('b', { priority: 5 }),
      campaign('low', { priority: 1 }),
      campaign('a', { priority: 5 }),
    ];
    for (const order of [list, [...list].reverse()]) {
      const engine = engineWith(...order);
      const s = visitor();
      assert.equal(engine.evaluate(s, setCart(s, 150, T0), T0, available)?.campaignId, 'a');
      assert.deepEqual(
        engine.campaigns.map((c) => c.id),
        ['a', 'b', 'low'],
      );
    }
  });

  it('holds the runners-up while an engagement awaits an answer, then offers the next', () => {
    const engine = engineWith(campaign('a', { priority: 5 }), campaign('b', { priority: 1 }));
    const s = visitor();
    assert.equal(engine.evaluate(s, setCart(s, 150, T0), T0, available)?.campaignId, 'a');
    assert.equal(
      engine.evaluate(s, applyEvent(s, { type: 'event', name: 'x', ts: 0 }, T0 + 1), T0 + 1, available),
      null,
    );
    assert.equal(engine.evaluate(s, answer(s, 'dismissed', T0 + 2), T0 + 2, available)?.campaignId, 'b');
  });
});

describe('frequency caps and declines', () => {
  it('perSession caps turns within a session; a new session starts afresh', () => {
    const engine = engineWith(campaign('c', { frequency: { perSession: 1, afterDecline: 'allow' } }));
    const s = visitor();
    assert.ok(engine.evaluate(s, setCart(s, 150, T0), T0, available));
    answer(s, 'accepted', T0);
    assert.equal(newTurn(engine, s, T0 + 10), null);
    // The cart outlives the session, so the campaign qualifies again at once in the next one.
    assert.ok(engine.evaluate(s, startSession(s, 's2', T0 + 2 * HOUR), T0 + 2 * HOUR, available));
  });

  it('perVisitorPerDay caps over a rolling 24 hours and says when the cap lifts', () => {
    const engine = engineWith(campaign('c', { frequency: { perVisitorPerDay: 2, afterDecline: 'allow' } }));
    const s = visitor();
    assert.ok(engine.evaluate(s, setCart(s, 150, T0), T0, available));
    answer(s, 'accepted', T0);
    assert.ok(newTurn(engine, s, T0 + HOUR));
    answer(s, 'accepted', T0 + HOUR);
    assert.equal(newTurn(engine, s, T0 + 2 * HOUR), null);
    assert.equal(engine.nextCheck(s, T0 + 2 * HOUR + 1), T0 + 24 * HOUR + 1);
    assert.ok(
      engine.evaluate(s, Field.Clock, T0 + 24 * HOUR + 1, available),
      'fires once the first exposure ages out',
    );
  });

  it("afterDecline 'never': a dismissal ends the campaign for this visitor", () => {
    const engine = engineWith(campaign('c', { frequency: { afterDecline: 'never' } }));
    const s = visitor();
    assert.ok(engine.evaluate(s, setCart(s, 150, T0), T0, available));
    answer(s, 'dismissed', T0 + 1);
    assert.equal(newTurn(engine, s, T0 + 10), null);
    engine.evaluate(s, startSession(s, 's2', T0 + 5 * HOUR), T0 + 5 * HOUR, available);
    assert.equal(newTurn(engine, s, T0 + 5 * HOUR + 10), null);
  });

  it("afterDecline 'next_session': not again this session, again in the next", () => {
    const engine = engineWith(campaign('c', { frequency: { afterDecline: 'next_session' } }));
    const s = visitor();
    assert.ok(engine.evaluate(s, setCart(s, 150, T0), T0, available));
    answer(s, 'dismissed', T0 + 1);
    assert.equal(newTurn(engine, s, T0 + 10), null);
    assert.ok(engine.evaluate(s, startSession(s, 's2', T0 + 5 * HOUR), T0 + 5 * HOUR, available));
  });

  it("afterDecline 'allow': a dismissal changes nothing", () => {
    const engine = engineWith(campaign('c', { frequency: { afterDecline: 'allow' } }));
    const s = visitor();
    assert.ok(engine.evaluate(s, setCart(s, 150, T0), T0, available));
    answer(s, 'dismissed', T0 + 1);
    assert.ok(newTurn(engine, s, T0 + 10));
  });

  it('counts control qualifications against the caps like exposures', () => {
    const visitorId = Array.from({ length: 1000 }, (_, i) => `v${i}`).find((v) => isControl(v, 'c', 0.5))!;
    const engine = engineWith(
      campaign('c', { controlShare: 0.5, frequency: { perSession: 1, afterDecline: 'allow' } }),
    );
    const s = visitor(visitorId);
    assert.equal(engine.evaluate(s, setCart(s, 150, T0), T0, available)?.control, true);
    assert.equal(s.pendingExposureId, null);
    assert.equal(newTurn(engine, s, T0 + 10), null);
  });
});

describe('capacity', () => {
  it('offers the offline message when the skill is busy and the campaign says so', () => {
    const c = campaign('c', {
      engagement: {
        type: 'chat_invitation',
        skillId: 'sales',
        message: 'Hi',
        style: 'overlay',
        offline: 'offline_message',
      },
    });
    const s = visitor();
    const d = engineWith(c).evaluate(s, setCart(s, 150, T0), T0, busy);
    assert.deepEqual(d?.engagement, { type: 'offline_message', skillId: 'sales', message: 'Hi' });
  });

  it('offers nothing while busy, retries, and invites once an agent is free', () => {
    const engine = engineWith(campaign('c'));
    const s = visitor();
    const asked: string[] = [];
    assert.equal(
      engine.evaluate(s, setCart(s, 150, T0), T0, (skill) => {
        asked.push(skill);
        return 'busy';
      }),
      null,
    );
    assert.deepEqual(asked, ['sales']);
    assert.equal(engine.nextCheck(s, T0), T0 + 5000);
    assert.equal(engine.evaluate(s, Field.Clock, T0 + 5000, available)?.engagement.type, 'chat_invitation');
  });

  it('falls back for chat buttons too, and never asks capacity for content', () => {
    const button = campaign('b', {
      engagement: { type: 'chat_button', skillId: 'support', label: 'Chat', offline: 'offline_message' },
    });
    const s = visitor();
    assert.equal(
      engineWith(button).evaluate(s, setCart(s, 150, T0), T0, busy)?.engagement.type,
      'offline_message',
    );
    const content = campaign('k', {
      engagement: {
        type: 'content',
        title: '10% off',
        text: 'Today',
        ctaLabel: 'Shop',
        ctaUrl: 'https://a.test/',
      },
    });
    const s2 = visitor();
    const never: CapacityFn = () => {
      throw new Error('capacity asked for content');
    };
    assert.equal(
      engineWith(content).evaluate(s2, setCart(s2, 150, T0), T0, never)?.engagement.type,
      'content',
    );
  });
});

describe('schedule', () => {
  const ny: Schedule = {
    timeZone: 'America/New_York',
    days: [1, 2, 3, 4, 5],
    startMinute: 9 * 60,
    endMinute: 17 * 60,
  };
  it('follows local hours across the DST change (EST → EDT)', () => {
    // Friday 8 March 2024 is EST (UTC-5); Monday 11 March is EDT (UTC-4).
    assert.equal(isInSchedule(ny, Date.UTC(2024, 2, 8, 14, 0)), true);
    assert.equal(isInSchedule(ny, Date.UTC(2024, 2, 8, 13, 59)), false);
    assert.equal(isInSchedule(ny, Date.UTC(2024, 2, 8, 21, 59)), true);
    assert.equal(isInSchedule(ny, Date.UTC(2024, 2, 8, 22, 0)), false);
    assert.equal(isInSchedule(ny, Date.UTC(2024, 2, 11, 13, 0)), true);
    assert.equal(isInSchedule(ny, Date.UTC(2024, 2, 11, 12, 59)), false);
    assert.equal(isInSchedule(ny, Date.UTC(2024, 2, 10, 15, 0)), false, 'Sunday');
    assert.equal(nextScheduleOpen(ny, Date.UTC(2024, 2, 9, 12)), Date.UTC(2024, 2, 11, 13, 0));
    assert.equal(nextScheduleOpen(ny, Date.UTC(2024, 2, 11, 15)), Date.UTC(2024, 2, 11, 15));
    // Autumn: Monday 4 November 2024 is EST again.
    assert.equal(nextScheduleOpen(ny, Date.UTC(2024, 10, 2, 12)), Date.UTC(2024, 10, 4, 14, 0));
  });

  it('reads local day and minute in zones with odd offsets', () => {
    assert.deepEqual(localTime('Asia/Kathmandu', Date.UTC(2024, 0, 1, 0, 0)), {
      day: 1,
      minute: 5 * 60 + 45,
    });
    assert.deepEqual(localTime('Europe/Berlin', Date.UTC(2024, 2, 31, 0, 59)), { day: 0, minute: 119 });
    assert.deepEqual(localTime('Europe/Berlin', Date.UTC(2024, 2, 31, 1, 0)), { day: 0, minute: 180 });
  });

  it('runs overnight windows into the next morning, belonging to the day they start', () => {
    const fridayNight: Schedule = {
      timeZone: 'Europe/Berlin',
      days: [5],
      startMinute: 22 * 60,
      endMinute: 6 * 60,
    };
    // 2024-06-07 is a Friday; Berlin is UTC+2 in June.
    assert.equal(isInSchedule(fridayNight, Date.UTC(2024, 5, 7, 20, 0)), true, 'Fri 22:00');
    assert.equal(isInSchedule(fridayNight, Date.UTC(2024, 5, 7, 19, 59)), false, 'Fri 21:59');
    assert.equal(isInSchedule(fridayNight, Date.UTC(2024, 5, 8, 3, 59)), true, 'Sat 05:59');
    assert.equal(isInSchedule(fridayNight, Date.UTC(2024, 5, 8, 4, 0)), false, 'Sat 06:00');
    assert.equal(isInSchedule(fridayNight, Date.UTC(2024, 5, 8, 21, 0)), false, 'Sat 23:00');
    assert.equal(isInSchedule(fridayNight, Date.UTC(2024, 5, 6, 21, 0)), false, 'Thu 23:00');
    assert.equal(
      isInSchedule(fridayNight, Date.UTC(2024, 5, 7, 3, 0)),
      false,
      'Fri 05:00 belongs to Thursday',
    );
  });

  it('holds a qualified visitor until the schedule opens, then fires on the timer', () => {
    const engine = engineWith(campaign('c', { schedule: ny }));
    const s = visitor();
    const saturday = Date.UTC(2024, 5, 8, 15);
    assert.equal(engine.evaluate(s, setCart(s, 150, saturday), saturday, available), null);
    const opens = engine.nextCheck(s, saturday);
    assert.equal(opens, Date.UTC(2024, 5, 10, 13, 0));
    assert.equal(engine.evaluate(s, Field.Clock, opens, available)?.campaignId, 'c');
  });
});

describe('control group', () => {
  for (const share of [0.1, 0.2]) {
    it(`holds out ${share * 100}% ± 2% of 10,000 visitors`, () => {
      const engine = engineWith(campaign('browse', { controlShare: share }));
      let control = 0;
      for (let i = 0; i < 10_000; i++) {
        const s = visitor(`visitor-${i}`);
        const d = engine.evaluate(s, setCart(s, 150, T0), T0, available);
        assert.ok(d);
        if (d.control) control++;
      }
      assert.ok(Math.abs(control / 10_000 - share) <= 0.02, `control share ${control / 10_000}`);
    });
  }

  it('is stable for a visitor and campaign, and independent across campaigns', () => {
    let both = 0;
    for (let i = 0; i < 10_000; i++) {
      const v = `a1b2c3-${i}`;
      assert.equal(controlDraw(v, 'c1'), controlDraw(v, 'c1'));
      assert.ok(controlDraw(v, 'c1') >= 0 && controlDraw(v, 'c1') < 1);
      if (isControl(v, 'c1', 0.2) && isControl(v, 'c2', 0.2)) both++;
    }
    assert.ok(Math.abs(both / 10_000 - 0.04) <= 0.01, `joint share ${both / 10_000}`);
    const arms = [0, 1, 2].map(() => {
      const engine = engineWith(campaign('c', { controlShare: 0.5 }));
      return Array.from({ length: 50 }, (_, i) => {
        const s = visitor(`v${i}`);
        return engine.evaluate(s, setCart(s, 150, T0), T0, available)?.control;
      }).join();
    });
    assert.equal(new Set(arms).size, 1, 'same arms from separate engines (and so separate nodes)');
  });

  it('never holds anyone out at share 0', () => {
    for (let i = 0; i < 1000; i++) assert.equal(isControl(`v${i}`, 'c', 0), false);
  });
});
