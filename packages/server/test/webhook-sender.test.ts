import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Egress } from '../src/egress/egress.ts';
import { WebhookSender } from '../src/webhooks/webhook-sender.ts';

/** A receiver whose every path misbehaves its own way, as endpoints in the wild do. */
function hostile(): Server {
  return createServer((req, res) => {
    req.resume();
    switch (req.url) {
      case '/ok':
        return void res.writeHead(204).end();
      case '/500':
        return void res.writeHead(500, { 'content-type': 'text/plain' }).end('database is down');
      case '/redirect':
        return void res.writeHead(302, { location: '/ok' }).end();
      case '/big':
        return void res.writeHead(200).end('x'.repeat(100_000));
      case '/silent':
        return; // never answers
      case '/trickle': {
        // Headers at once, then a byte every 100 ms for ever.
        res.writeHead(500);
        const t = setInterval(() => res.write('.'), 100);
        res.on('close', () => clearInterval(t));
        return;
      }
      case '/trickle-ok': {
        res.writeHead(200);
        const t = setInterval(() => res.write('.'), 100);
        res.on('close', () => clearInterval(t));
        return;
      }
    }
  });
}

describe('webhook sender: bad endpoints fail fast and clearly', () => {
  let srv: Server;
  let base: string;
  let hits: string[];
  const open = new Egress({ allowPrivate: true, maxRedirects: 5 });
  const guarded = new Egress({ allowPrivate: false, maxRedirects: 5 });
  const sender = new WebhookSender(open, { connectTimeoutMs: 500, timeoutMs: 700 });
  const strict = new WebhookSender(guarded, { connectTimeoutMs: 500, timeoutMs: 700 });

  before(async () => {
    hits = [];
    srv = hostile();
    srv.on('request', (req) => hits.push(req.url ?? ''));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  });
  after(async () => {
    open.close();
    guarded.close();
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  });

  it('a 2xx is delivered', async () => {
    const r = await sender.post(`${base}/ok`, {}, '{}');
    assert.equal(r.ok, true);
    assert.equal(r.status, 204);
  });

  it('a 5xx fails with its status and the start of its body', async () => {
    const r = await sender.post(`${base}/500`, {}, '{}');
    assert.equal(r.ok, false);
    assert.equal(r.status, 500);
    assert.equal(r.excerpt, 'database is down');
    assert.equal(r.error, 'HTTP 500');
  });

  it('a redirect is not followed', async () => {
    hits.length = 0;
    const r = await sender.post(`${base}/redirect`, {}, '{}');
    assert.equal(r.ok, false);
    assert.match(r.error!, /redirect to \/ok not followed \(HTTP 302\)/);
    assert.deepEqual(hits, ['/redirect'], 'the Location was never requested');
  });

  it('keeps only the first KiB of a large answer', async () => {
    const r = await sender.post(`${base}/big`, {}, '{}');
    assert.equal(r.ok, true);
    assert.equal(r.excerpt!.length, 1024);
  });

  it('a receiver that never answers times out', async () => {
    const r = await sender.post(`${base}/silent`, {}, '{}');
    assert.equal(r.ok, false);
    assert.match(r.error!, /no answer within 700 ms/);
  });

  it('an answer trickling in byte by byte is cut off at the deadline', async () => {
    const r = await sender.post(`${base}/trickle`, {}, '{}');
    assert.equal(r.ok, false);
    assert.equal(r.status, 500);
    assert.match(r.error!, /cut off after 700 ms/);
    assert.ok(r.durationMs < 2000);
    // A 2xx that trickles: the receiver took the event; the rest is not waited for.
    const ok = await sender.post(`${base}/trickle-ok`, {}, '{}');
    assert.equal(ok.ok, true);
  });

  it('a server that accepts the connection but never speaks HTTP times out', async () => {
    const mute = createTcpServer((s) => s.resume());
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const r = await sender.post(`http://127.0.0.1:${(mute.address() as AddressInfo).port}/`, {}, '{}');
    assert.equal(r.ok, false);
    assert.match(r.error!, /no answer within/);
    await new Promise((r) => mute.close(r));
  });

  it('refuses private addresses after DNS resolution, written out or by name, unless allowed', async () => {
    hits.length = 0;
    const port = (srv.address() as AddressInfo).port;
    const byName = await strict.post(`http://localhost:${port}/ok`, {}, '{}');
    assert.equal(byName.ok, false);
    assert.match(byName.error!, /localhost is this machine, a private address/);
    const literal = await strict.post(`${base}/ok`, {}, '{}');
    assert.match(literal.error!, /127\.0\.0\.1 is a private address/);
    const mapped = await strict.post(`http://[::ffff:127.0.0.1]:${port}/ok`, {}, '{}');
    assert.match(mapped.error!, /::ffff:7f00:1 is a private address/);
    assert.deepEqual(hits, [], 'nothing reached the private server');
    const allowed = await sender.post(`http://localhost:${port}/ok`, {}, '{}');
    assert.equal(allowed.ok, true);
  });
});
