import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isVisitorEvent } from '@beckon/protocol';
import { cleanScalars, cleanSections, commandEvent } from '../src/commands.ts';

const TS = 1_700_000_000_000;

/** An event as its frame's JSON carries it (an undefined field is left out). */
const wire = (e: unknown) => JSON.parse(JSON.stringify(e));

describe('public API calls → protocol events', () => {
  it('turns custom events into valid protocol events', () => {
    const e = commandEvent(['event', 'video_played', { seconds: 12, title: 'Intro', hd: true }], TS);
    assert.deepEqual(e, {
      type: 'event',
      name: 'video_played',
      props: { seconds: 12, title: 'Intro', hd: true },
      ts: TS,
    });
    assert.ok(isVisitorEvent(e));
    // What goes on the wire: an event without props carries no `props` key.
    assert.equal(
      JSON.stringify(commandEvent(['event', 'signup'], TS)),
      JSON.stringify({ type: 'event', name: 'signup', ts: TS }),
    );
  });

  it('keeps only props the gateway accepts, so one sloppy call cannot sink a batch', () => {
    const props = cleanScalars({
      ok: 1,
      nested: { a: 1 },
      list: [1, 2],
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      fn: () => 1,
      nul: null,
      'bad key': 1,
      __proto__x: 2,
      constructor: 3,
      long: 'y'.repeat(300),
    });
    assert.deepEqual(Object.keys(props!).sort(), ['__proto__x', 'long', 'ok']);
    assert.equal(props!.long, 'y'.repeat(256));
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]));
    assert.equal(Object.keys(cleanScalars(many)!).length, 32);
    assert.equal(cleanScalars('nope'), undefined);
    const e = commandEvent(['event', 'x', { nested: { a: 1 }, ok: 'yes' }], TS);
    assert.ok(isVisitorEvent(e));
  });

  it('refuses events without a usable name and cuts long names', () => {
    assert.equal(commandEvent(['event', ''], TS), undefined);
    assert.equal(commandEvent(['event', 42], TS), undefined);
    const e = commandEvent(['event', 'n'.repeat(100)], TS);
    assert.equal(e?.type === 'event' && e.name.length, 64);
  });

  it('passes engagement attributes through for the gateway to validate, without undefined fields', () => {
    const cart = {
      items: [{ sku: 'lamp', name: 'Oak lamp', price: 189, quantity: 1 }],
      total: 189,
      currency: 'USD',
      note: undefined,
    };
    const e = commandEvent(['attr', 'cart', cart], TS);
    assert.deepEqual(e, {
      type: 'attr',
      attrType: 'cart',
      value: { items: cart.items, total: 189, currency: 'USD' },
      ts: TS,
    });
    assert.ok(isVisitorEvent(e));
    const purchase = commandEvent(['attr', 'purchase', { orderId: 'A-1', total: 250, currency: 'USD' }], TS);
    assert.ok(isVisitorEvent(purchase));
    assert.equal(commandEvent(['attr', 'cart', 'not an object'], TS), undefined);
    assert.equal(commandEvent(['attr', 'cart', [1]], TS), undefined);
    assert.equal(commandEvent(['attr', 7, {}], TS), undefined);
  });

  it('sends identify traits without a timestamp, as the schema wants', () => {
    const e = commandEvent(['identify', { customerId: 'c-9', plan: 'gold', vip: true }], TS);
    assert.deepEqual(wire(e), { type: 'identify', traits: { customerId: 'c-9', plan: 'gold', vip: true } });
    assert.ok(isVisitorEvent(e));
    assert.equal(commandEvent(['identify', {}], TS), undefined);
  });

  it('carries the site’s userHash from identify’s second argument, and only a string', () => {
    const hash = 'a1'.repeat(32);
    const e = commandEvent(['identify', { userId: '42', email: 'ana@example.com' }, { userHash: hash }], TS);
    assert.deepEqual(e, {
      type: 'identify',
      traits: { userId: '42', email: 'ana@example.com' },
      userHash: hash,
    });
    assert.ok(isVisitorEvent(e));
    assert.deepEqual(wire(commandEvent(['identify', { userId: '42' }, { userHash: 42 }], TS)), {
      type: 'identify',
      traits: { userId: '42' },
    });
  });

  it('ignores unknown calls', () => {
    assert.equal(commandEvent(['nope', 1], TS), undefined);
  });

  it('cleans section labels: strings, trimmed, unique, at most 16', () => {
    assert.deepEqual(cleanSections(['checkout', ' checkout ', '', 5, 'cart']), ['checkout', 'cart']);
    assert.deepEqual(cleanSections('product'), ['product']);
    assert.equal(cleanSections(Array.from({ length: 30 }, (_, i) => `s${i}`)).length, 16);
    assert.deepEqual(cleanSections(undefined), []);
  });
});
