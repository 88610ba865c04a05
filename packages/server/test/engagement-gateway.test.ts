import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pageView, sendBeacon, VisitorClient } from '@beckon/sdk/index';
import { eventually, metric, newTenant, runtime, visitor } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// Tight limits so floods trip quickly; each test file runs in its own process.
// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_HELLO_TIMEOUT_MS = '300';
  process.env.BECKON_RATE_VISITOR = '20/40';
  process.env.BECKON_RATE_ADDRESS = '100/200';
});

const SHOP = 'https://shop.example';

describe('visitor gateway: hostile input gets a close code or an error, is counted, and hurts no one else', () => {
  let srv: TestServer;
  let shopKey: string;
  let openKey: string;
  before(async () => {
    srv = await startTestServer({ demo: true });
    shopKey = (await newTenant(srv, [SHOP])).site.siteKey;
    openKey = (await newTenant(srv, [])).site.siteKey;
  });
  after(() => srv.close());

  /** The socket opens, then the server says why (an error frame) and closes with `code`. */
  const refused = async (p: Promise<VisitorClient>, code: number, errorCode: string) => {
    const c = await p;
    const closed = await c.closed;
    assert.equal(closed.code, code);
    assert.equal(c.errors[0]?.code, errorCode);
    return closed;
  };

  it('refuses an unknown site key with 4403 — a close code the tag sees, so it stops retrying', async () => {
    const before = await metric(srv, 'beckon_visitor_refusals_total', { reason: 'unknown_site' });
    const closed = await refused(VisitorClient.connect(srv.url, 'nosuchsitekey000', SHOP), 4403, 'forbidden');
    assert.equal(closed.reason, 'unknown site key');
    await refused(VisitorClient.connect(srv.url, '', SHOP), 4403, 'forbidden');
    await refused(VisitorClient.connect(srv.url, '../../etc/passwd', SHOP), 4403, 'forbidden');
    assert.equal(await metric(srv, 'beckon_visitor_refusals_total', { reason: 'unknown_site' }), before + 3);
  });

  it('admits only origins on the site’s allow-list (4403 otherwise); an empty list admits any origin', async () => {
    const evil = await refused(
      VisitorClient.connect(srv.url, shopKey, 'https://evil.example'),
      4403,
      'forbidden',
    );
    assert.equal(evil.reason, 'origin not allowed for this site');
    await refused(VisitorClient.connect(srv.url, shopKey, undefined), 4403, 'forbidden');
    assert.ok((await metric(srv, 'beckon_visitor_refusals_total', { reason: 'origin' })) >= 2);
    const ok = await visitor(srv, shopKey, 'allowed-1', { origin: SHOP });
    assert.equal(ok.welcome?.visitorId, 'allowed-1');
    const any = await visitor(srv, openKey, 'anywhere-1', { origin: 'https://anything.example' });
    assert.equal(any.welcome?.returning, false);
    await Promise.all([ok.close(), any.close()]);
  });

  it('takes an origin added to or removed from the allow-list at the next connection, not after the site cache’s 10 s', async () => {
    const tenant = await newTenant(srv, [SHOP]);
    const { siteKey } = tenant.site;
    const OUTLET = 'https://outlet.example';
    // The node has the site cached from this connection, with SHOP alone on its list.
    const first = await visitor(srv, siteKey, 'listed-1', { origin: SHOP });
    await refused(VisitorClient.connect(srv.url, siteKey, OUTLET), 4403, 'forbidden');
    const added = await tenant.api.patch(`/api/v1/sites/${tenant.site.id}`, {
      allowedOrigins: [SHOP, OUTLET],
    });
    assert.equal(added.status, 200);
    const outlet = await visitor(srv, siteKey, 'outlet-1', { origin: OUTLET });
    assert.equal(outlet.welcome?.visitorId, 'outlet-1');
    // Taken off the list: refused at once.
    const removed = await tenant.api.patch(`/api/v1/sites/${tenant.site.id}`, { allowedOrigins: [OUTLET] });
    assert.equal(removed.status, 200);
    await refused(VisitorClient.connect(srv.url, siteKey, SHOP), 4403, 'forbidden');
    // Deleted: its key is unknown at once.
    assert.equal((await tenant.api.delete(`/api/v1/sites/${tenant.site.id}`)).status, 204);
    const gone = await refused(VisitorClient.connect(srv.url, siteKey, OUTLET), 4403, 'forbidden');
    assert.equal(gone.reason, 'unknown site key');
    await Promise.all([first.close(), outlet.close()]);
  });

  it('closes with 4400 on malformed JSON, on binary frames and on a batch before hello', async () => {
    const a = await VisitorClient.connect(srv.url, openKey, SHOP);
    a.sendRaw('{"type":"hello",');
    assert.equal((await a.closed).code, 4400);
    const b = await VisitorClient.connect(srv.url, openKey, SHOP);
    b.sendRaw(Buffer.from([1, 2, 3]), true);
    assert.equal((await b.closed).code, 4400);
    const c = await VisitorClient.connect(srv.url, openKey, SHOP);
    c.sendRaw(JSON.stringify({ type: 'batch', id: 'b1', events: [pageView('https://x.example/')] }));
    assert.equal((await c.closed).code, 4400);
    assert.ok((await metric(srv, 'beckon_visitor_refusals_total', { reason: 'bad_json' })) >= 1);
    assert.ok((await metric(srv, 'beckon_visitor_refusals_total', { reason: 'binary_frame' })) >= 1);
    assert.ok((await metric(srv, 'beckon_visitor_refusals_total', { reason: 'hello_required' })) >= 1);
  });

  it('answers a schema violation with an error frame naming the fault; repeated violations close with 4400', async () => {
    const c = await visitor(srv, openKey, 'schema-1');
    c.sendRaw(JSON.stringify({ type: 'batch', id: 'bad1', events: [{ type: 'page_view', ts: 1 }] }));
    const err = await eventually(() => c.errors[0]);
    assert.equal(err.code, 'bad_frame');
    assert.match(err.message, /events\/0/);
    // The connection survives one bad frame: a valid batch is still acknowledged.
    assert.equal((await c.sendBatch([pageView('https://x.example/a')])).type, 'ack');
    for (let i = 0; i < 6; i++) c.sendRaw(JSON.stringify({ type: 'batch', id: `x${i}`, events: [] }));
    assert.equal((await c.closed).code, 4400);
    // A hello that breaks the schema closes at once.
    const h = await VisitorClient.connect(srv.url, openKey, SHOP);
    h.sendRaw(
      JSON.stringify({ type: 'hello', visitorId: 'has spaces', page: { url: 'x' }, device: 'desktop' }),
    );
    assert.equal((await h.closed).code, 4400);
  });

  it('keeps the valid events of a batch and names each refused one inside its value', async () => {
    const site = await runtime(srv).sites.byKey(openKey);
    const views = (id: string) => runtime(srv).tracker.peek(site!.id, id)?.state.pageViews ?? 0;
    const ts = Date.now();
    const badCart = { type: 'attr', attrType: 'cart', value: { items: [], total: 120, currency: 'eur' }, ts };
    const personal = { type: 'attr', attrType: 'personal', value: { name: 'Q' }, ts };
    const c = await visitor(srv, openKey, 'salvage-1');
    const before = views('salvage-1');
    const ack = await c.sendBatch([pageView('https://x.example/cart'), badCart, personal] as never);
    assert.equal(ack.type, 'ack', 'the batch is acknowledged, so the tag does not send it again');
    const err = await eventually(() => c.errors[0]);
    assert.equal(err.code, 'bad_event');
    assert.match(err.message, /^1 event refused, the rest kept: \/events\/1\/value\/currency: /);
    assert.equal(views('salvage-1'), before + 1, 'the page view of the same batch counted');
    assert.equal((await c.sendBatch([pageView('https://x.example/next')])).type, 'ack');
    await c.close();
    // The beacon endpoint keeps them too.
    const beacon = await sendBeacon(srv.url, openKey, {
      visitorId: 'salvage-2',
      batch: { type: 'batch', id: 'sv2', events: [pageView('https://x.example/b'), badCart] },
    } as never);
    assert.equal(beacon.status, 204);
    assert.equal(views('salvage-2'), 1);
    assert.ok((await metric(srv, 'beckon_visitor_refusals_total', { reason: 'bad_event' })) >= 2);
  });

  it('closes an oversized frame with 1009 (Message Too Big) and counts it', async () => {
    const c = await visitor(srv, openKey, 'big-1');
    c.sendRaw(
      JSON.stringify({
        type: 'batch',
        id: 'big',
        events: [pageView(`https://x.example/${'a'.repeat(70_000)}`)],
      }),
    );
    assert.equal((await c.closed).code, 1009);
    assert.ok(
      c.errors.some((e) => e.code === 'frame_too_large'),
      `said why first: ${JSON.stringify(c.errors)}`,
    );
    await eventually(
      async () => (await metric(srv, 'beckon_visitor_refusals_total', { reason: 'frame_too_large' })) >= 1,
    );
  });

  it('closes a socket that never says hello with 4408', async () => {
    const c = await VisitorClient.connect(srv.url, openKey, SHOP);
    const started = Date.now();
    assert.equal((await c.closed).code, 4408);
    assert.ok(Date.now() - started >= 250);
    assert.ok((await metric(srv, 'beckon_visitor_refusals_total', { reason: 'hello_timeout' })) >= 1);
  });

  it('closes a flooding visitor with 4429 while another visitor carries on', async () => {
    const calm = await visitor(srv, openKey, 'calm-1');
    const flood = await visitor(srv, openKey, 'flood-1');
    for (let i = 0; i < 200; i++) flood.send([pageView(`https://x.example/${i}`)]);
    assert.equal((await flood.closed).code, 4429);
    assert.ok((await metric(srv, 'beckon_visitor_refusals_total', { reason: 'visitor_rate' })) >= 1);
    assert.equal((await calm.sendBatch([pageView('https://x.example/calm')])).type, 'ack');
    // Reconnecting does not reset the visitor's budget: it belongs to the visitor, not the socket.
    const again = await visitor(srv, openKey, 'flood-1');
    for (let i = 0; i < 50; i++) again.send([pageView(`https://x.example/again${i}`)]);
    assert.equal((await again.closed).code, 4429);
    await calm.close();
  });

  it('closes sockets of a flooding address with 4429 while other addresses carry on', async () => {
    const calm = await visitor(srv, openKey, 'calm-2', { localAddress: '127.0.0.1' });
    const flooders = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        visitor(srv, openKey, `addr-flood-${i}`, { localAddress: '127.0.0.9' }),
      ),
    );
    for (const f of flooders) for (let i = 0; i < 38; i++) f.send([pageView(`https://x.example/${i}`)]);
    // One flooder refused is enough. Under a loaded run its close can take seconds to arrive.
    let timer: NodeJS.Timeout | undefined;
    const refused = await Promise.race([
      Promise.any(
        flooders.map((f) => f.closed.then((c) => (c.code === 4429 ? c.code : Promise.reject(c.code)))),
      ).catch((err: AggregateError) => `every flooder closed, none with 4429: ${err.errors}`),
      new Promise((r) => {
        timer = setTimeout(() => r('no flooder closed within 15 s'), 15_000);
      }),
    ]);
    clearTimeout(timer);
    assert.equal(refused, 4429, 'a flooder of the address closed with 4429');
    assert.ok((await metric(srv, 'beckon_visitor_refusals_total', { reason: 'address_rate' })) >= 1);
    assert.equal((await calm.sendBatch([pageView('https://x.example/still-fine')])).type, 'ack');
    await Promise.all([calm.close(), ...flooders.map((f) => f.close())]);
  });

  it('applies the same checks to the beacon endpoint', async () => {
    const batch = (id: string, url = 'https://x.example/beacon') => ({
      type: 'batch',
      id,
      events: [pageView(url)],
    });
    assert.equal(
      (await sendBeacon(srv.url, 'nosuchsitekey000', { visitorId: 'b1', batch: batch('b1') } as never))
        .status,
      403,
    );
    assert.equal(
      (
        await sendBeacon(srv.url, shopKey, { visitorId: 'b1', batch: batch('b1') } as never, {
          origin: 'https://evil.example',
        })
      ).status,
      403,
    );
    const malformed = await sendBeacon(srv.url, openKey, '{"visitorId":');
    assert.equal(malformed.status, 400);
    assert.equal(JSON.parse(malformed.body).error.code, 'bad_json');
    const invalid = await sendBeacon(srv.url, openKey, {
      visitorId: 'b1',
      batch: { type: 'batch', id: 'x', events: [{ type: 'nope' }] },
    } as never);
    assert.equal(invalid.status, 400);
    assert.match(JSON.parse(invalid.body).error.message, /^\/batch\/events\/0/);
    // The beacon takes batches only: its refusals speak of the batch, never of a hello.
    for (const [bad, why] of [
      ['x', '/batch: must be an object'],
      [{ type: 'hello', visitorId: 'b1', page: 'x', device: 'desktop' }, '/batch/type: must be batch'],
      [{ type: 'batch', id: 'x', events: 'x' }, '/batch/events: must be array'],
    ] as const) {
      const r = await sendBeacon(srv.url, openKey, { visitorId: 'b1', batch: bad } as never);
      assert.equal(r.status, 400);
      assert.equal(JSON.parse(r.body).error.message, why);
    }
    const big = await sendBeacon(srv.url, openKey, {
      visitorId: 'b1',
      batch: batch('big', `https://x.example/${'a'.repeat(70_000)}`),
    } as never);
    assert.equal(big.status, 413);
    const ok = await sendBeacon(srv.url, shopKey, { visitorId: 'beacon-1', batch: batch('bk1') } as never, {
      origin: SHOP,
    });
    assert.equal(ok.status, 204);
    const again = await sendBeacon(
      srv.url,
      shopKey,
      { visitorId: 'beacon-1', batch: batch('bk1') } as never,
      { origin: SHOP },
    );
    assert.equal(again.status, 204, 'a retried beacon is accepted');
    const site = await runtime(srv).sites.byKey(shopKey);
    const live = runtime(srv).tracker.peek(site!.id, 'beacon-1');
    assert.equal(live?.state.pageViews, 1, 'but applied once');
    assert.ok((await metric(srv, 'beckon_visitor_duplicate_batches_total')) >= 1);
  });

  it('counts every accepted frame, batch and event in /metrics exactly', async () => {
    const read = async () => ({
      frames: await metric(srv, 'beckon_ws_messages_total', { endpoint: 'visitor', direction: 'in' }),
      batches: await metric(srv, 'beckon_visitor_batches_total', { transport: 'ws' }),
      events: await metric(srv, 'beckon_visitor_events_total'),
    });
    const before = await read();
    const c = await visitor(srv, openKey, 'counted-1');
    for (let i = 0; i < 3; i++) {
      const ack = await c.sendBatch([
        pageView(`https://x.example/p${i}`),
        pageView(`https://x.example/q${i}`),
      ]);
      assert.equal(ack.type, 'ack');
    }
    await c.close();
    const after = await read();
    assert.equal(after.frames - before.frames, 4, 'the hello and three batches');
    assert.equal(after.batches - before.batches, 3);
    assert.equal(after.events - before.events, 6);
    // Read twice without new traffic: the same figures (pending sums are handed over once).
    assert.deepEqual(await read(), after);
  });

  it('stays healthy and exposes every refusal reason in /metrics', async () => {
    const res = await srv.node.app.inject({ method: 'GET', url: '/metrics' });
    const text = res.body;
    for (const reason of [
      'unknown_site',
      'origin',
      'bad_json',
      'bad_frame',
      'frame_too_large',
      'hello_timeout',
      'visitor_rate',
      'address_rate',
    ]) {
      assert.match(text, new RegExp(`beckon_visitor_refusals_total\\{reason="${reason}"\\} [1-9]`), reason);
    }
    assert.match(text, /beckon_ws_closes_total\{endpoint="visitor",code="4429"\}/);
    assert.equal((await srv.node.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const c = await visitor(srv, openKey, 'after-all');
    assert.equal((await c.sendBatch([pageView('https://x.example/ok')])).type, 'ack');
    await c.close();
  });
});
