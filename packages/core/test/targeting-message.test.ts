import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Campaign, ProactiveMessage } from '@beckon/protocol';
import { isControl } from '../src/targeting/control-group.ts';
import type { CapacityFn } from '../src/targeting/eligibility.ts';
import { TargetingEngine } from '../src/targeting/targeting-engine.ts';
import {
  applyEvent,
  createVisitorState,
  Field,
  linkContact,
  type VisitorState,
} from '../src/visitor-state.ts';

const T0 = Date.UTC(2024, 5, 3, 12);
const HOUR = 3_600_000;
const available: CapacityFn = () => 'available';
const message: ProactiveMessage = {
  type: 'message',
  subject: 'Your cart is waiting',
  text: 'Finish your order today.',
  channel: 'auto',
};

function campaign(id: string, extra: Partial<Campaign> = {}): Campaign {
  return {
    id,
    name: id,
    status: 'active',
    goal: { type: 'purchase' },
    targeting: { field: 'cart.total', op: 'gte', value: 100 },
    frequency: { afterDecline: 'allow' },
    priority: 0,
    controlShare: 0,
    engagement: message,
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
const newTurn = (engine: TargetingEngine, s: VisitorState, now: number) => {
  engine.evaluate(s, setCart(s, 10, now), now, available);
  return engine.evaluate(s, setCart(s, 150, now + 1), now + 1, available);
};

describe('message engagements: only identified visitors qualify', () => {
  it('an anonymous visitor never qualifies, however long the condition holds', () => {
    const engine = engineWith(campaign('m'));
    const s = visitor();
    assert.equal(engine.evaluate(s, setCart(s, 150, T0), T0, available), null);
    assert.equal(engine.nextCheck(s, T0), Number.POSITIVE_INFINITY);
    assert.equal(engine.evaluate(s, Field.Clock, T0 + HOUR, available), null);
    assert.deepEqual(s.exposures, []);
    assert.deepEqual(engine.qualifying(s, T0), []);
  });

  it('a visitor linked to a contact while the condition holds qualifies then, once', () => {
    const engine = engineWith(campaign('m'));
    const s = visitor();
    engine.evaluate(s, setCart(s, 150, T0), T0, available);
    const d = engine.evaluate(s, linkContact(s, 'contact_1'), T0 + 1, available);
    assert.deepEqual(d, { exposureId: 'x1', campaignId: 'm', engagement: message, control: false });
    assert.equal(linkContact(s, 'contact_1'), 0, 'the same link again changes nothing');
    assert.equal(engine.evaluate(s, setCart(s, 160, T0 + 2), T0 + 2, available), null);
  });

  it('does not block other campaigns: a chat invitation still follows in the same turn', () => {
    const invite = campaign('invite', {
      priority: -1,
      engagement: { type: 'chat_invitation', skillId: 's', message: 'Hi', style: 'toaster', offline: 'none' },
    });
    const engine = engineWith(campaign('m'), invite);
    const s = visitor();
    linkContact(s, 'contact_1');
    const first = engine.evaluate(s, setCart(s, 150, T0), T0, available);
    assert.equal(first?.campaignId, 'm');
    assert.equal(s.pendingExposureId, null, 'a message waits on no answer from the page');
    const second = engine.evaluate(s, 0, T0, available);
    assert.equal(second?.campaignId, 'invite');
  });
});

describe('message engagements: caps and the control group', () => {
  it('the per-day cap holds across turns and lifts a day later', () => {
    const engine = engineWith(campaign('m', { frequency: { perVisitorPerDay: 1, afterDecline: 'allow' } }));
    const s = visitor();
    linkContact(s, 'contact_1');
    assert.equal(engine.evaluate(s, setCart(s, 150, T0), T0, available)?.campaignId, 'm');
    assert.equal(newTurn(engine, s, T0 + HOUR), null);
    assert.equal(newTurn(engine, s, T0 + 25 * HOUR)?.campaignId, 'm');
  });

  it('a control visitor gets a control decision, counted by the caps like any other', () => {
    const id = Array.from({ length: 1000 }, (_, i) => `v${i}`).find((v) => isControl(v, 'm', 0.5))!;
    const engine = engineWith(
      campaign('m', { controlShare: 0.5, frequency: { perSession: 1, afterDecline: 'allow' } }),
    );
    const s = visitor(id);
    linkContact(s, 'contact_1');
    const d = engine.evaluate(s, setCart(s, 150, T0), T0, available);
    assert.equal(d?.control, true);
    assert.equal(d?.engagement.type, 'message');
    assert.equal(newTurn(engine, s, T0 + 1000), null, 'the session cap counts the control qualification');
  });
});
