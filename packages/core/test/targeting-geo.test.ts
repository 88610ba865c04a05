import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Condition, type ValidationError, validateCondition } from '@beckon/protocol';
import fc from 'fast-check';
import { compileCondition, inputsOf, nextTimeCheck } from '../src/targeting/condition-compiler.ts';
import { localHour } from '../src/targeting/local-hour.ts';
import { localTime } from '../src/targeting/schedule.ts';
import { fromSnapshot, toSnapshot } from '../src/visitor/snapshot.ts';
import { createVisitorState, Field, setGeo, type VisitorState } from '../src/visitor-state.ts';

const snapshotRoundTrip = (s: VisitorState) => fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(s))));

// 2026-07-01 10:30 UTC: 12:30 in Berlin (summer time), 06:30 in New York.
const T0 = Date.UTC(2026, 6, 1, 10, 30);
const HOUR = 3_600_000;

function visitor(geo?: Parameters<typeof setGeo>[1], tz?: string): VisitorState {
  const s = createVisitorState(
    { visitorId: 'v', sessionId: 's', returning: false, device: 'desktop', ...(tz ? { tz } : {}) },
    T0,
  );
  if (geo) setGeo(s, geo);
  return s;
}

const berlin = () => visitor({ country: 'DE', region: 'Berlin', city: 'Berlin', timezone: 'Europe/Berlin' });
const problems = (tree: unknown): ValidationError[] => {
  const errors: ValidationError[] = [];
  validateCondition(tree, '/targeting', errors);
  return errors;
};

describe('geo targeting fields', () => {
  it('match a visitor’s country, region, city and time zone', () => {
    const s = berlin();
    const yes = (c: Condition) => assert.equal(compileCondition(c)(s, T0), true, JSON.stringify(c));
    const no = (c: Condition) => assert.equal(compileCondition(c)(s, T0), false, JSON.stringify(c));
    yes({ field: 'geo.country', op: 'equals', value: 'DE' });
    yes({ field: 'geo.country', op: 'in', value: ['AT', 'DE', 'CH'] });
    no({ field: 'geo.country', op: 'not_equals', value: 'DE' });
    yes({ field: 'geo.country', op: 'not_equals', value: 'FR' });
    yes({ field: 'geo.region', op: 'equals', value: 'Berlin' });
    yes({ field: 'geo.city', op: 'contains', value: 'berl' });
    yes({ field: 'geo.timezone', op: 'matches', value: 'Europe/*' });
    no({ field: 'geo.timezone', op: 'equals', value: 'America/New_York' });
  });

  it('match nothing for a visitor not located: “not in Germany” means located elsewhere', () => {
    const s = visitor();
    for (const c of [
      { field: 'geo.country', op: 'equals', value: 'DE' },
      { field: 'geo.country', op: 'not_equals', value: 'DE' },
      { field: 'geo.city', op: 'not_equals', value: 'Berlin' },
      { field: 'geo.localHour', op: 'gte', value: 0 },
    ] as Condition[])
      assert.equal(compileCondition(c)(s, T0), false, JSON.stringify(c));
  });

  it('read the local hour in the visitor’s zone, else their browser’s, and look again at the next hour', () => {
    assert.equal(localHour(berlin(), T0), 12);
    assert.equal(localHour(visitor(undefined, 'America/New_York'), T0), 6);
    assert.equal(localHour(visitor(undefined, 'Not/A_Zone'), T0), undefined);
    assert.equal(localHour(visitor({ country: 'IN', timezone: 'Asia/Kolkata' }), T0), 16);
    const evening: Condition = { field: 'geo.localHour', op: 'gte', value: 18 };
    const s = berlin();
    assert.equal(compileCondition(evening)(s, T0), false);
    // Checked again at 13:00 Berlin time, not before (and then hour by hour until 18:00).
    assert.equal(nextTimeCheck(evening, s, T0), T0 + HOUR / 2);
    assert.equal(compileCondition(evening)(s, T0 + 5.5 * HOUR), true);
    assert.ok(inputsOf(evening) & Field.Clock);
    assert.ok(inputsOf({ field: 'geo.country', op: 'equals', value: 'DE' }) & Field.Visitor);
  });

  it('flip the local hour exactly where the visitor’s clock turns, in any zone', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Adelaide', 'UTC'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.integer({ min: 0, max: 23 }),
        (zone, now, hour) => {
          const s = visitor({ timezone: zone });
          const rule: Condition = { field: 'geo.localHour', op: 'equals', value: hour };
          const at = nextTimeCheck(rule, s, now);
          const local = new Intl.DateTimeFormat('en-US', {
            timeZone: zone,
            hourCycle: 'h23',
            hour: 'numeric',
          });
          assert.equal(localHour(s, now), Number(local.format(now)));
          if (compileCondition(rule)(s, now)) return;
          // The next check is the next full hour on the visitor's clock (a repeated hour in autumn too).
          assert.ok(at > now && at - now <= HOUR, `${zone} ${new Date(now).toISOString()}`);
          assert.equal(localTime(zone, at).minute % 60, 0);
          assert.equal(localTime(zone, at - 1).minute % 60, 59);
        },
      ),
    );
  });

  it('refuse an unknown country code and an hour outside the day, naming the path', () => {
    assert.deepEqual(problems({ all: [{ field: 'geo.country', op: 'equals', value: 'UK' }] }), [
      {
        path: '/targeting/all/0/value',
        message: 'unknown country code "UK": use an ISO 3166-1 alpha-2 code such as "DE"',
      },
    ]);
    assert.equal(
      problems({ field: 'geo.country', op: 'in', value: ['DE', 'de'] })[0]?.path,
      '/targeting/value',
    );
    assert.match(
      problems({ field: 'geo.country', op: 'contains', value: 'D' })[0]!.message,
      /accepts equals/,
    );
    assert.deepEqual(problems({ field: 'geo.country', op: 'in', value: ['DE', 'XK', 'GB'] }), []);
    assert.match(problems({ field: 'geo.localHour', op: 'gte', value: 24 })[0]!.message, /0 to 23/);
    assert.match(problems({ field: 'geo.localHour', op: 'in', value: [9, 9.5] })[0]!.message, /whole hour/);
  });

  it('tell targeting when the location changed, and survive the snapshot', () => {
    const s = visitor();
    assert.equal(setGeo(s, { country: 'DE' }), Field.Visitor);
    assert.equal(setGeo(s, { country: 'DE' }), 0);
    assert.equal(setGeo(s, { country: 'DE', city: 'Berlin' }), Field.Visitor);
    assert.deepEqual(snapshotRoundTrip(s).geo, { country: 'DE', city: 'Berlin' });
    assert.equal(setGeo(s, null), Field.Visitor);
    assert.equal(s.geo, undefined);
  });
});
