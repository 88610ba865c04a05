import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pageView, VisitorClient } from '@beckon/sdk/index';
import type { SiteInfo } from '../src/engagement/site-directory.ts';
import { eventually, metric, newTenant, runtime, visitor } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// Fast heartbeats and a tight connection rate, so both show within a test; each file runs in its own process.
const HEARTBEAT_MS = 200;
// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_HEARTBEAT_MS = String(HEARTBEAT_MS);
  process.env.BECKON_RATE_ADDRESS_CONNECT = '1/4';
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('visitor gateway: liveness and connection floods', () => {
  let srv: TestServer;
  let siteKey: string;
  before(async () => {
    srv = await startTestServer();
    siteKey = (await newTenant(srv, [])).site.siteKey;
  });
  after(() => srv.close());

  it('keeps a socket that answers pings open, however quiet the visitor is', async () => {
    const c = await visitor(srv, siteKey, 'quiet-1', { localAddress: '127.0.0.2' });
    await sleep(HEARTBEAT_MS * 5);
    assert.equal(c.isOpen, true);
    assert.equal((await c.sendBatch([pageView('https://x.example/still-here')])).type, 'ack');
    await c.close();
  });

  it('closes a half-open socket (no pongs) with 4408 and releases its visitor for eviction', async () => {
    const c = await visitor(srv, siteKey, 'gone-1', { localAddress: '127.0.0.3', answerPings: false });
    const site = (await runtime(srv).sites.byKey(siteKey)) as SiteInfo;
    assert.equal(runtime(srv).tracker.peek(site.id, 'gone-1')?.channels.size, 1);
    const started = Date.now();
    const closed = await c.closed;
    assert.equal(closed.code, 4408);
    assert.equal(closed.reason, 'heartbeat timeout');
    assert.ok(Date.now() - started < HEARTBEAT_MS * 4, 'noticed within two rounds');
    const live = runtime(srv).tracker.peek(site.id, 'gone-1');
    assert.equal(live?.channels.size, 0, 'no socket holds the visitor any more');
    assert.ok((live?.disconnectedAt ?? 0) > 0);
    await runtime(srv).tracker.sweep(Date.now() + 10, 0);
    assert.equal(runtime(srv).tracker.peek(site.id, 'gone-1'), undefined, 'so the sweep can evict it');
    assert.ok((await metric(srv, 'beckon_visitor_refusals_total', { reason: 'heartbeat_timeout' })) >= 1);
  });

  it('closes sockets opened too fast from one address with 4429, so the tag backs off', async () => {
    const opened = await Promise.all(
      Array.from({ length: 7 }, () =>
        VisitorClient.connect(srv.url, siteKey, undefined, { localAddress: '127.0.0.4' }),
      ),
    );
    const codes = await Promise.all(
      opened.map((c) => Promise.race([c.closed.then((x) => x.code), sleep(500).then(() => 0)])),
    );
    assert.ok(codes.filter((x) => x === 4429).length >= 2, `refused with 4429: ${codes}`);
    const refusedOne = opened[codes.indexOf(4429)]!;
    assert.equal(refusedOne.errors[0]?.code, 'rate_limited');
    assert.ok((await metric(srv, 'beckon_visitor_refusals_total', { reason: 'connect_rate' })) >= 2);
    // Another address is not affected.
    const other = await visitor(srv, siteKey, 'other-addr', { localAddress: '127.0.0.5' });
    assert.equal(other.welcome?.visitorId, 'other-addr');
    await Promise.all([other.close(), ...opened.map((c) => c.close())]);
  });

  it('bounds what a socket may send while its visitor is being restored (4429 beyond 16 frames)', async () => {
    const site = (await runtime(srv).sites.byKey(siteKey)) as SiteInfo;
    const sent: string[] = [];
    let closedWith: number | undefined;
    const socket = {
      readyState: 1,
      send: (t: string) => sent.push(t),
      close: (code?: number) => {
        closedWith = code;
        socket.readyState = 3;
      },
    };
    const conn = runtime(srv).accept(socket, site, '127.0.0.6');
    const hello = {
      type: 'hello',
      visitorId: 'eager-1',
      page: { url: 'https://x.example/' },
      device: 'desktop',
    };
    conn.message(Buffer.from(JSON.stringify(hello)));
    // The store read behind hello is still running while these arrive.
    for (let i = 0; i < 20 && closedWith === undefined; i++) {
      conn.message(
        Buffer.from(JSON.stringify({ type: 'batch', id: `e${i}`, events: [pageView('https://x.example/')] })),
      );
    }
    assert.equal(closedWith, 4429);
    assert.match(sent.at(-1) ?? '', /too many frames before welcome/);
    assert.ok((await metric(srv, 'beckon_visitor_refusals_total', { reason: 'queue_full' })) >= 1);
    // A well-behaved socket's few early frames are applied in order once the visitor is ready.
    const acks: string[] = [];
    const calm = { readyState: 1, send: (t: string) => acks.push(t), close: () => {} };
    const c2 = runtime(srv).accept(calm, site, '127.0.0.6');
    c2.message(Buffer.from(JSON.stringify({ ...hello, visitorId: 'eager-2' })));
    for (let i = 0; i < 3; i++) {
      c2.message(
        Buffer.from(JSON.stringify({ type: 'batch', id: `f${i}`, events: [pageView('https://x.example/')] })),
      );
    }
    await eventually(() => acks.filter((t) => t.startsWith('{"type":"ack"')).length === 3);
    assert.deepEqual(
      acks.filter((t) => t.startsWith('{"type":"ack"')),
      ['{"type":"ack","id":"f0"}', '{"type":"ack","id":"f1"}', '{"type":"ack","id":"f2"}'],
    );
    c2.closed();
  });
});
