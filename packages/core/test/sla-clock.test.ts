import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BusinessHours, minuteOf } from '../src/hours/business-hours.ts';
import { businessDeadline, slaClocks, slaPriorityOf } from '../src/sla/sla-clock.ts';

const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;
// Monday to Friday 09:00–18:00 in Berlin (UTC+1 in November)
const berlin: BusinessHours = {
  timeZone: 'Europe/Berlin',
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day, from: minuteOf('09:00')!, to: minuteOf('18:00')! })),
  holidays: [],
};

describe('SLA clocks', () => {
  it('bands a numeric priority: low below 0, normal 0, high 1–9, urgent from 10', () => {
    assert.deepEqual([-5, 0, 1, 9, 10, 50].map(slaPriorityOf), [
      'low',
      'normal',
      'high',
      'high',
      'urgent',
      'urgent',
    ]);
  });

  it('counts wall time when the skill has no hours', () => {
    assert.equal(businessDeadline(null, at('2026-11-27T16:55:00Z'), 15 * MIN), at('2026-11-27T17:10:00Z'));
  });

  it('carries a target across a closed night: 5 minutes before closing, 10 after opening', () => {
    // Thursday 17:55 Berlin = 16:55Z; due Friday 09:10 Berlin = 08:10Z
    assert.equal(businessDeadline(berlin, at('2026-11-26T16:55:00Z'), 15 * MIN), at('2026-11-27T08:10:00Z'));
  });

  it('carries a target across a closed weekend', () => {
    // Friday 17:00 Berlin; 2 h of business time: 1 h on Friday, 1 h on Monday from 09:00
    assert.equal(businessDeadline(berlin, at('2026-11-27T16:00:00Z'), 120 * MIN), at('2026-11-30T09:00:00Z'));
    // asked on Saturday: the clock starts on Monday at 09:00
    assert.equal(businessDeadline(berlin, at('2026-11-28T12:00:00Z'), 30 * MIN), at('2026-11-30T08:30:00Z'));
  });

  it('answers null when the hours never open', () => {
    assert.equal(businessDeadline({ ...berlin, weekly: [] }, 0, MIN), null);
  });

  it('marks a late first response breached and a timely one met; an open clock breaches only once past due', () => {
    const targets = { normal: { firstResponseSeconds: 900, resolutionSeconds: 3600 } };
    const start = at('2026-11-26T10:00:00Z');
    const late = slaClocks(
      targets,
      null,
      { priority: 0, startedAt: start, firstResponseAt: start + 16 * MIN, closedAt: null },
      start + 30 * MIN,
    );
    assert.deepEqual(
      late.map((c) => [c.target, c.dueAt, c.breached]),
      [
        ['first_response', start + 15 * MIN, true],
        ['resolution', start + 60 * MIN, false],
      ],
    );
    const onTime = slaClocks(
      targets,
      null,
      { priority: 0, startedAt: start, firstResponseAt: start + 14 * MIN, closedAt: start + 61 * MIN },
      start + 90 * MIN,
    );
    assert.deepEqual(
      onTime.map((c) => c.breached),
      [false, true],
    );
    assert.deepEqual(
      slaClocks(
        targets,
        null,
        { priority: 10, startedAt: start, firstResponseAt: null, closedAt: null },
        start,
      ),
      [],
      'no urgent target',
    );
  });
});
