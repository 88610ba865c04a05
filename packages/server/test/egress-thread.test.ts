import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { Egress } from '../src/egress/egress.ts';
import { loadEgressOptions } from '../src/egress/egress-config.ts';
import { EgressError } from '../src/egress/egress-error.ts';
import { EgressThread } from '../src/egress/egress-thread.ts';

/** The thread of an `EgressThread`, while it runs. */
const threadOf = (e: unknown) => (e as { thread: { worker: Worker | null } }).thread.worker;

const failure = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('the request succeeded'),
    (e: unknown) => {
      assert.ok(e instanceof EgressError, String(e));
      return e;
    },
  );

/**
 * Provider requests made on a thread of their own: the answer as the node's own egress gives it,
 * the same refusals, and a failure that says whether the request had left.
 */
describe('the egress thread', () => {
  let server: http.Server;
  let base: string;
  const bodies: string[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        bodies.push(body);
        if (req.url === '/drop') return void res.socket?.destroy();
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 5000);
        res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r1' });
        res.end(JSON.stringify({ messages: [{ id: 'wamid.1' }], got: body }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  /** An egress thread, started: a request before it is ready goes through the node's own egress. */
  const open = async () => {
    const e = EgressThread.for(new Egress({ allowPrivate: true, maxRedirects: 5 })) as EgressThread;
    await e.started();
    return e;
  };

  it('answers a provider request whole: status, headers and body', async () => {
    const egress = await open();
    try {
      assert.ok(egress instanceof EgressThread);
      const res = await egress.request(`${base}/v21.0/1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
        body: JSON.stringify({ to: '+15550001' }),
        timeoutMs: 5000,
        maxBytes: 1 << 20,
      });
      assert.equal(res.status, 201);
      assert.equal(res.headers['x-request-id'], 'r1');
      assert.ok(Buffer.isBuffer(res.body));
      assert.deepEqual(JSON.parse(res.body.toString()), {
        messages: [{ id: 'wamid.1' }],
        got: '{"to":"+15550001"}',
      });
      // Many at once, each its own answer.
      const many = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          egress.request(`${base}/m`, { method: 'POST', body: `n${i}`, timeoutMs: 5000, maxBytes: 1 << 20 }),
        ),
      );
      assert.deepEqual(
        many.map((r) => JSON.parse(r.body.toString()).got),
        Array.from({ length: 20 }, (_, i) => `n${i}`),
      );
    } finally {
      egress.close();
    }
  });

  it('refuses a private address as the node’s egress does, before any connection', async () => {
    const strict = EgressThread.for(new Egress({ allowPrivate: false, maxRedirects: 5 })) as EgressThread;
    try {
      await strict.started();
      const before = bodies.length;
      const err = await failure(strict.request(`${base}/x`, { timeoutMs: 5000, maxBytes: 1024 }));
      assert.equal(err.code, 'private_address');
      assert.equal(err.requestSent, false);
      assert.equal(bodies.length, before);
    } finally {
      strict.close();
    }
  });

  it('says the request had left when the connection broke after it, or no answer came in time', async () => {
    const egress = await open();
    try {
      const dropped = await failure(
        egress.request(`${base}/drop`, { method: 'POST', body: 'x', timeoutMs: 5000, maxBytes: 1024 }),
      );
      assert.equal(dropped.code, 'network');
      assert.equal(dropped.requestSent, true);
      const slow = await failure(
        egress.request(`${base}/slow`, { method: 'POST', body: 'x', timeoutMs: 300, maxBytes: 1024 }),
      );
      assert.equal(slow.code, 'timeout');
      assert.equal(slow.requestSent, true);
      const refused = await failure(
        egress.request('http://127.0.0.1:1/x', {
          method: 'POST',
          body: 'x',
          timeoutMs: 5000,
          maxBytes: 1024,
        }),
      );
      assert.equal(refused.requestSent, false);
    } finally {
      egress.close();
    }
  });

  it('the thread gone with a request in hand: it may have arrived; the next request starts another thread', async () => {
    const egress = await open();
    try {
      const before = bodies.length;
      const pending = failure(
        egress.request(`${base}/slow`, { method: 'POST', body: 'x', timeoutMs: 10_000, maxBytes: 1024 }),
      );
      while (bodies.length === before) await new Promise((r) => setTimeout(r, 10));
      await threadOf(egress)!.terminate();
      const err = await pending;
      assert.equal(err.requestSent, true);
      assert.match(err.message, /egress thread/);
      const res = await egress.request(`${base}/again`, {
        method: 'POST',
        body: 'y',
        timeoutMs: 5000,
        maxBytes: 1024,
      });
      assert.equal(res.status, 201);
    } finally {
      egress.close();
    }
  });

  it('ends once closed, and later requests go through the node’s own egress', async () => {
    const egress = await open();
    await egress.request(`${base}/a`, { method: 'POST', body: 'a', timeoutMs: 5000, maxBytes: 1024 });
    const thread = threadOf(egress)!;
    const ended = new Promise((r) => thread.once('exit', r));
    egress.close();
    await ended;
    const res = await egress.request(`${base}/b`, {
      method: 'POST',
      body: 'b',
      timeoutMs: 5000,
      maxBytes: 1024,
    });
    assert.equal(res.status, 201);
    assert.equal(threadOf(egress), null);
  });

  it('a few requests go through the node’s own egress; a burst starts the thread', async () => {
    const egress = EgressThread.for(new Egress({ allowPrivate: true, maxRedirects: 5 })) as EgressThread;
    try {
      const ask = (n: number) =>
        Promise.all(
          Array.from({ length: n }, () =>
            egress.request(`${base}/few`, { method: 'POST', body: 'f', timeoutMs: 5000, maxBytes: 1024 }),
          ),
        );
      await ask(5);
      assert.equal(threadOf(egress), null, 'five requests start no thread');
      await ask(20);
      assert.ok(threadOf(egress), 'a burst starts it');
    } finally {
      egress.close();
    }
  });

  it('stays off for an egress a test gave its own resolver, and with BECKON_EGRESS_THREAD=0', () => {
    const custom = new Egress({ allowPrivate: false, maxRedirects: 5 }, { allow: () => true });
    assert.equal(EgressThread.for(custom), custom);
    const off = new Egress(loadEgressOptions({ BECKON_EGRESS_THREAD: '0' }));
    assert.equal(EgressThread.for(off), off);
    assert.ok(EgressThread.for(new Egress(loadEgressOptions({}))) instanceof EgressThread);
    assert.throws(() => loadEgressOptions({ BECKON_EGRESS_THREAD: 'yes' }), /BECKON_EGRESS_THREAD/);
  });
});
