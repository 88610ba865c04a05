import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BatchFrame,
  CloseCode,
  ErrorCode,
  type HelloFrame,
  isClientFrame,
  isServerFrame,
  isVisitorEvent,
  MAX_BATCH_EVENTS,
  MAX_FRAME_BYTES,
  MAX_SECTIONS,
  parseClientFrame,
  type VisitorEvent,
} from '../src/visitor-protocol.ts';

const hello: HelloFrame = {
  type: 'hello',
  visitorId: 'v_0123456789abcdef',
  sessionId: 's-1',
  page: { url: 'https://shop.test/?utm_source=google', title: 'Home', referrer: 'https://www.google.com/' },
  device: 'mobile',
  tz: 'Europe/Berlin',
  consent: true,
};

const events: VisitorEvent[] = [
  {
    type: 'page_view',
    url: 'https://shop.test/p/1',
    title: 'P1',
    sections: ['product'],
    referrer: '',
    ts: 1,
  },
  { type: 'event', name: 'video_play', props: { seconds: 12, id: 'intro', muted: false }, ts: 2 },
  { type: 'attr', attrType: 'cart', value: { items: [], total: 0, currency: 'USD' }, ts: 3 },
  { type: 'attr', attrType: 'search', value: { keywords: 'boots' }, ts: 4 },
  { type: 'identify', traits: { plan: 'pro', seats: 3 } },
  { type: 'section', sections: ['product', 'shoes'] },
  { type: 'visibility', visible: false, ts: 5 },
  { type: 'exposure_outcome', exposureId: 'e1', outcome: 'accepted', ts: 6 },
];
const batch: BatchFrame = { type: 'batch', id: 'b1', events };

const withEvent = (e: unknown) => ({ type: 'batch', id: 'b2', events: [e] });

describe('visitor protocol frames', () => {
  it('accepts a hello and a batch holding every event type', () => {
    assert.equal(isClientFrame(hello), true);
    assert.equal(isClientFrame(batch), true);
    for (const e of events) assert.equal(isVisitorEvent(e), true, e.type);
  });

  it('parses raw frames and says what is wrong with bad ones', () => {
    const ok = parseClientFrame(JSON.stringify(batch));
    assert.equal(ok.ok, true);
    const bad = parseClientFrame('{"type":"batch","id":"b1","events":[{"type":"page_view","url":1,"ts":1}]}');
    assert.equal(bad.ok, false);
    if (!bad.ok) {
      assert.equal(bad.code, ErrorCode.BadFrame);
      assert.match(bad.message, /^\/events\/0/);
    }
    const json = parseClientFrame('{"type":"hello",');
    assert.deepEqual(json.ok ? null : json.code, ErrorCode.BadFrame);
    const big = parseClientFrame(JSON.stringify({ ...hello, tz: 'x'.repeat(MAX_FRAME_BYTES) }));
    assert.deepEqual(big.ok ? null : big.code, ErrorCode.FrameTooLarge);
  });

  it("names the fault in the frame's own kind, not in the other kind of frame", () => {
    const why = (value: unknown) => {
      const r = parseClientFrame(JSON.stringify(value));
      return r.ok ? 'ok' : r.message;
    };
    assert.equal(why({ ...hello, page: 'https://shop.test/' }), '/page: must be object');
    assert.equal(why({ ...hello, page: { url: 5 } }), '/page/url: must be string');
    assert.equal(why({ type: 'batch', id: 'b1', events: 'x' }), '/events: must be array');
    assert.equal(why({ type: 'welcome' }), "/type: must be 'hello' or 'batch'");
    assert.equal(why([hello]), '/: must be an object');
  });

  it("names an event's fault in the kind of event its type names", () => {
    const why = (event: unknown) => {
      const r = parseClientFrame(JSON.stringify(withEvent(event)));
      return r.ok ? 'ok' : r.message;
    };
    const at = (m: string) => m.split(':')[0];
    assert.equal(at(why({ type: 'page_view', url: 'https://a/', ts: 1e20 })), '/events/0/ts');
    assert.equal(
      why({ type: 'page_view', url: 'https://a/', ts: 1, extra: 1 }),
      '/events/0/extra: not a known field',
    );
    assert.equal(at(why({ type: 'visibility', visible: 'yes', ts: 1 })), '/events/0/visible');
    assert.equal(
      at(why({ type: 'event', name: 'x', props: { o: { nested: 1 } }, ts: 1 })),
      '/events/0/props/o',
    );
    assert.equal(
      at(why({ type: 'exposure_outcome', exposureId: 'e1', outcome: 'loved', ts: 1 })),
      '/events/0/outcome',
    );
    assert.equal(
      why({ type: 'teleport', ts: 1 }),
      "/events/0/type: must be one of 'page_view', 'event', 'attr', 'identify', 'section', 'visibility', 'exposure_outcome', 'screen', 'app_state'",
    );
    assert.match(
      why({ type: 'attr', attrType: 'mood', value: {}, ts: 1 }),
      /^\/events\/0\/attrType: must be one of cart, /,
    );
    assert.equal(why('page_view'), '/events/0: must be an object');
  });

  it('rejects unknown fields at every level', () => {
    assert.equal(isClientFrame({ ...hello, admin: true }), false);
    assert.equal(isClientFrame({ ...hello, page: { ...hello.page, x: 1 } }), false);
    assert.equal(isClientFrame({ ...batch, extra: 1 }), false);
    assert.equal(isClientFrame(withEvent({ ...events[0], extra: 1 })), false);
    assert.equal(
      isClientFrame(
        withEvent({
          type: 'attr',
          attrType: 'cart',
          value: { items: [], total: 0, currency: 'USD', x: 1 },
          ts: 1,
        }),
      ),
      false,
    );
  });

  it('rejects wrong types, NaN and out-of-range numbers', () => {
    assert.equal(isClientFrame({ ...hello, device: 'fridge' }), false);
    assert.equal(isClientFrame({ ...hello, consent: 'yes' }), false);
    assert.equal(isClientFrame(withEvent({ type: 'visibility', visible: 1, ts: 1 })), false);
    assert.equal(isClientFrame(withEvent({ type: 'page_view', url: 'https://a/', ts: Number.NaN })), false);
    assert.equal(isClientFrame(withEvent({ type: 'page_view', url: 'https://a/', ts: -1 })), false);
    assert.equal(isClientFrame(withEvent({ type: 'page_view', url: 'https://a/', ts: 1.5 })), false);
    assert.equal(
      isClientFrame(withEvent({ type: 'event', name: 'x', props: { n: Number.NaN }, ts: 1 })),
      false,
    );
    assert.equal(
      isClientFrame(withEvent({ type: 'event', name: 'x', props: { o: { nested: 1 } }, ts: 1 })),
      false,
    );
    assert.equal(isClientFrame(withEvent({ type: 'teleport', ts: 1 })), false);
    assert.equal(isClientFrame(null), false);
    assert.equal(isClientFrame([hello]), false);
    assert.equal(isClientFrame('hello'), false);
  });

  it('rejects oversized strings, lists and batches', () => {
    assert.equal(isClientFrame({ ...hello, page: { url: `https://a/${'x'.repeat(3000)}` } }), false);
    assert.equal(isClientFrame(withEvent({ type: 'event', name: 'x'.repeat(65), ts: 1 })), false);
    const sections = Array.from({ length: MAX_SECTIONS + 1 }, (_, i) => `s${i}`);
    assert.equal(isClientFrame(withEvent({ type: 'section', sections })), false);
    const many = Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => events[0]);
    assert.equal(isClientFrame({ type: 'batch', id: 'b', events: many }), false);
    assert.equal(isClientFrame({ type: 'batch', id: 'b', events: [] }), false);
    const props = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i]));
    assert.equal(isClientFrame(withEvent({ type: 'event', name: 'x', props, ts: 1 })), false);
  });

  it('rejects hostile ids and prototype keys', () => {
    assert.equal(isClientFrame({ ...hello, visitorId: '../../etc/passwd' }), false);
    assert.equal(isClientFrame({ ...hello, visitorId: '' }), false);
    assert.equal(isClientFrame({ ...hello, visitorId: 'v'.repeat(65) }), false);
    const proto = JSON.parse('{"type":"identify","traits":{"__proto__":{"admin":true}}}');
    assert.equal(isClientFrame(withEvent(proto)), false);
    assert.equal(isClientFrame(withEvent({ type: 'identify', traits: { constructor: 'x' } })), false);
    assert.equal(isClientFrame(withEvent({ type: 'identify', traits: { 'a b': 'x' } })), false);
  });

  it('checks an attr event against the schema its attrType names', () => {
    const cartValueAsSearch = {
      type: 'attr',
      attrType: 'search',
      value: { items: [], total: 0, currency: 'USD' },
      ts: 1,
    };
    assert.equal(isClientFrame(withEvent(cartValueAsSearch)), false);
    assert.equal(isClientFrame(withEvent({ type: 'attr', attrType: 'password', value: {}, ts: 1 })), false);
  });

  it('validates server frames, refusing unsafe links in engagements', () => {
    assert.equal(isServerFrame({ type: 'ack', id: 'b1' }), true);
    assert.equal(
      isServerFrame({ type: 'welcome', visitorId: 'v1', sessionId: 's1', returning: false }),
      true,
    );
    assert.equal(isServerFrame({ type: 'error', code: 'rate_limited', message: 'slow down' }), true);
    const content = {
      type: 'content',
      title: '10% off',
      text: 'Today only',
      ctaLabel: 'Shop',
      ctaUrl: 'https://a.test/sale',
    };
    const engage = { type: 'engage', exposureId: 'e1', campaignId: 'c1', engagement: content };
    assert.equal(isServerFrame(engage), true);
    assert.equal(
      isServerFrame({ ...engage, engagement: { ...content, ctaUrl: 'javascript:alert(1)' } }),
      false,
    );
    const offline = { type: 'offline_message', skillId: 'sales', message: 'Leave a message' };
    assert.equal(isServerFrame({ ...engage, engagement: offline }), true);
  });

  it('exports close codes that mirror HTTP statuses, and the standard one for a frame too large', () => {
    assert.deepEqual(CloseCode, {
      TooLarge: 1009,
      BadFrame: 4400,
      Unauthorized: 4401,
      Forbidden: 4403,
      Timeout: 4408,
      RateLimited: 4429,
    });
  });
});

describe('app events', () => {
  it('takes an app hello, screens and app states; ignores a screen field it does not know', () => {
    const hello = {
      type: 'hello',
      visitorId: 'v1',
      page: { url: 'app://ios' },
      device: 'mobile',
      app: { platform: 'ios', version: '2.4.1' },
    };
    assert.equal(isClientFrame(hello), true);
    assert.equal(isClientFrame({ ...hello, app: { platform: 'symbian', version: '1' } }), false);
    const screen = { type: 'screen', name: 'Checkout', section: 'checkout', params: { step: 2 }, ts: 1 };
    assert.equal(isVisitorEvent(screen), true);
    assert.equal(
      isVisitorEvent({ ...screen, orientation: 'landscape' }),
      true,
      'an unknown screen field is ignored',
    );
    assert.equal(isVisitorEvent({ ...screen, name: '' }), false);
    assert.equal(isVisitorEvent({ type: 'app_state', state: 'background', ts: 1 }), true);
    assert.equal(isVisitorEvent({ type: 'app_state', state: 'asleep', ts: 1 }), false);
  });
});
