import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { addressRange, classifyHost, isPublicAddress } from '../src/egress/address-policy.ts';
import { Egress, type EgressDeps } from '../src/egress/egress.ts';
import { loadEgressOptions } from '../src/egress/egress-config.ts';
import { EgressError } from '../src/egress/egress-error.ts';
import { refusedUrl } from './helpers/refused-port.ts';

/** The host a URL reaches, as the policy reads it. */
const hostOf = (url: string) => classifyHost(new URL(url).hostname);

describe('egress address policy (pure: no lookup, no packet)', () => {
  it('refuses every private, local and special IPv4 range', () => {
    for (const a of [
      '127.0.0.1',
      '127.255.255.254',
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.255',
      '0.0.0.0',
      '0.1.2.3',
      '255.255.255.255',
      '224.0.0.1',
      '239.255.255.250',
      '192.0.2.1',
      '198.18.0.1',
      '240.0.0.1',
    ])
      assert.equal(isPublicAddress(a), false, a);
  });

  it('refuses IPv6 loopback, unspecified, link-local, unique-local, multicast and the forms that carry IPv4', () => {
    for (const a of [
      '::1',
      '::',
      'fe80::1',
      'fe80::1%eth0',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '::ffff:a9fe:a9fe',
      '64:ff9b::7f00:1',
      '64:ff9b::a00:1',
      '64:ff9b:1::a00:1',
      '::7f00:1',
      '::127.0.0.1',
      '2002:7f00:1::1',
      '2001:0:4136:e378::1',
      '2001:db8::1',
      '100::1',
    ])
      assert.equal(isPublicAddress(a), false, a);
  });

  it('lets ordinary public addresses through, mapped and NAT64 forms of them too', () => {
    for (const a of [
      '93.184.216.34',
      '8.8.8.8',
      '1.1.1.1',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
    ])
      assert.equal(isPublicAddress(a), true, a);
    assert.equal(addressRange('::ffff:10.0.0.1'), 'private');
    assert.equal(addressRange('64:ff9b::a9fe:a9fe'), 'linkLocal');
  });

  it('reads every spelling of an address a URL may carry', () => {
    for (const url of [
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0x7f000001/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'http://127.0.0.1./',
      'http://%31%32%37.0.0.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[0:0:0:0:0:ffff:7f00:1]/',
      'http://[::1]/',
    ]) {
      const h = hostOf(url);
      assert.equal(h.kind, 'address', url);
      assert.equal(h.kind === 'address' && h.public, false, url);
    }
    assert.deepEqual(hostOf('http://0/'), { kind: 'address', address: '0.0.0.0', public: false });
    assert.deepEqual(hostOf('http://[::ffff:a9fe:a9fe]/'), {
      kind: 'address',
      address: '::ffff:a9fe:a9fe',
      public: false,
    });
    // Without a URL's normalising, the raw spellings still read as addresses.
    assert.deepEqual(classifyHost('0x7f.1.'), { kind: 'address', address: '127.0.0.1', public: false });
    assert.deepEqual(classifyHost('2130706433'), { kind: 'address', address: '127.0.0.1', public: false });
  });

  it('calls localhost and names under it this machine, trailing dots and case aside, and leaves other names to the lookup', () => {
    for (const url of [
      'http://localhost/',
      'http://LOCALHOST./',
      'http://api.localhost/',
      'http://a.b.localhost../',
    ])
      assert.equal(hostOf(url).kind, 'local-name', url);
    assert.deepEqual(hostOf('https://Graph.Facebook.com./v1'), { kind: 'name', name: 'graph.facebook.com' });
  });

  it('reads BECKON_EGRESS_ALLOW_PRIVATE, with BECKON_WEBHOOKS_ALLOW_PRIVATE as its older name', () => {
    assert.equal(loadEgressOptions({}).allowPrivate, false);
    assert.equal(loadEgressOptions({ BECKON_EGRESS_ALLOW_PRIVATE: '1' }).allowPrivate, true);
    assert.equal(loadEgressOptions({ BECKON_WEBHOOKS_ALLOW_PRIVATE: 'true' }).allowPrivate, true);
    assert.equal(
      loadEgressOptions({ BECKON_EGRESS_ALLOW_PRIVATE: '0', BECKON_WEBHOOKS_ALLOW_PRIVATE: '1' })
        .allowPrivate,
      false,
    );
    assert.throws(
      () => loadEgressOptions({ BECKON_EGRESS_ALLOW_PRIVATE: 'yes' }),
      /BECKON_EGRESS_ALLOW_PRIVATE/,
    );
    assert.throws(() => loadEgressOptions({ BECKON_EGRESS_MAX_REDIRECTS: '-1' }), /MAX_REDIRECTS/);
  });
});

/** A local server: each path answers its own way, and every request is recorded. */
async function localServer(): Promise<{ server: Server; url: string; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    const u = new URL(req.url ?? '/', 'http://x');
    const to = u.searchParams.get('to');
    if (u.pathname === '/redirect' && to) return void res.writeHead(302, { location: to }).end();
    if (u.pathname === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
    if (u.pathname === '/big') return void res.writeHead(200).end('x'.repeat(10_000));
    if (u.pathname === '/big-announced')
      return void res.writeHead(200, { 'content-length': '10000' }).end('x'.repeat(10_000));
    if (u.pathname === '/silent') return;
    // Reads the whole request, then drops the connection without an answer.
    if (u.pathname === '/drop') return void req.on('end', () => res.socket?.destroy());
    if (u.pathname === '/auth')
      return void res.writeHead(200).end(String(req.headers.authorization ?? 'none'));
    res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}`, port, hits };
}

const refused = (code: string, message?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof EgressError, String(err));
  assert.equal(err.code, code, err.message);
  if (message) assert.match(err.message, message);
  return true;
};

describe('egress requests: checked at every hop, capped in redirects, time and size', () => {
  let allowed: Awaited<ReturnType<typeof localServer>>;
  let privateOne: Awaited<ReturnType<typeof localServer>>;
  let connects: string[];
  /** Production policy, except that the one `allowed` server (127.0.0.1:its port) is permitted. */
  let egress: Egress;
  const make = (deps: EgressDeps, maxRedirects = 3) =>
    new Egress({ allowPrivate: false, maxRedirects }, deps);

  before(async () => {
    allowed = await localServer();
    privateOne = await localServer();
    connects = [];
    egress = make({ allow: (address, port) => address === '127.0.0.1' && port === allowed.port });
  });
  after(async () => {
    egress.close();
    for (const s of [allowed, privateOne]) {
      s.server.closeAllConnections();
      await new Promise((r) => s.server.close(r));
    }
  });

  it('reaches a permitted server and reads its answer', async () => {
    const res = await egress.request(`${allowed.url}/`, { timeoutMs: 2000, maxBytes: 1000 });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'hello');
  });

  it('refuses loopback written any way, before any connection', async () => {
    const port = privateOne.port;
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://[::1]:${port}/`,
      `http://localhost:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f.1:${port}/`,
      `http://localhost.:${port}/`,
    ])
      await assert.rejects(
        egress.request(url, { timeoutMs: 2000, maxBytes: 1000 }),
        refused('private_address'),
        url,
      );
    assert.deepEqual(privateOne.hits, [], 'the private server was never reached');
  });

  it('refuses a name that resolves to a private address, and never calls the connector', async () => {
    const names: Record<string, string[]> = {
      'metadata.example.test': ['169.254.169.254'],
      'intranet.example.test': ['10.0.0.1'],
      'mapped.example.test': ['::ffff:10.0.0.1'],
      'six.example.test': ['fd00::1'],
    };
    const strict = make({
      resolve: async (name) =>
        (names[name] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      connect: ({ host }) => {
        connects.push(host);
        throw new Error(`the connector must not be called (asked for ${host})`);
      },
    });
    for (const name of Object.keys(names))
      await assert.rejects(
        strict.request(`http://${name}/latest/meta-data/`, { timeoutMs: 2000, maxBytes: 1000 }),
        refused('private_address', new RegExp(`${name.replace(/\./g, '\\.')} resolves to a private address`)),
      );
    await assert.rejects(strict.check('http://metadata.example.test/'), refused('private_address'));
    assert.deepEqual(connects, []);
    strict.close();
  });

  it('connects to the address it checked: a name resolving to a public address goes there, not to a second lookup', async () => {
    let lookups = 0;
    const seen: { host: string; port: number }[] = [];
    const strict = make({
      resolve: async () => {
        lookups++;
        // A rebinding resolver: public the first time, private after.
        return [{ address: lookups === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
      },
      connect: ({ host, port }) => {
        seen.push({ host, port });
        throw new Error('no network in tests');
      },
    });
    await assert.rejects(
      strict.request('http://rebind.example.test/', { timeoutMs: 2000, maxBytes: 10 }),
      refused('network'),
    );
    assert.equal(lookups, 1);
    assert.deepEqual(seen, [{ host: '93.184.216.34', port: 80 }]);
    strict.close();
  });

  it('checks every redirect hop: an allowed server redirecting to a private one is refused there', async () => {
    privateOne.hits.length = 0;
    const to = encodeURIComponent(`http://127.0.0.1:${privateOne.port}/secret`);
    await assert.rejects(
      egress.request(`${allowed.url}/redirect?to=${to}`, { timeoutMs: 2000, maxBytes: 1000 }),
      refused('private_address', /127\.0\.0\.1 is a private address/),
    );
    const viaName = encodeURIComponent(`http://localhost:${privateOne.port}/secret`);
    await assert.rejects(
      egress.request(`${allowed.url}/redirect?to=${viaName}`, { timeoutMs: 2000, maxBytes: 1000 }),
      refused('private_address'),
    );
    assert.deepEqual(privateOne.hits, [], 'the redirect target was never reached');
  });

  it('follows a permitted redirect, dropping credentials when the origin changes; or refuses to follow when asked', async () => {
    const same = await egress.request(`${allowed.url}/redirect?to=/auth`, {
      timeoutMs: 2000,
      maxBytes: 1000,
      headers: { authorization: 'Bearer t' },
    });
    assert.equal(same.body.toString(), 'Bearer t');
    assert.equal(same.redirected, true);
    const other = await egress
      .request(
        `${allowed.url}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${allowed.port}/auth`.replace('127.0.0.1', '[::ffff:127.0.0.1]'))}`,
        { timeoutMs: 2000, maxBytes: 1000, headers: { authorization: 'Bearer t' } },
      )
      .catch((e: EgressError) => e);
    // [::ffff:127.0.0.1] is another origin and a private address: refused, never sent the token.
    assert.ok(other instanceof EgressError && other.code === 'private_address');
    await assert.rejects(
      egress.request(`${allowed.url}/redirect?to=/`, { timeoutMs: 2000, maxBytes: 1000, redirect: 'error' }),
      refused('redirect', /not followed \(HTTP 302\)/),
    );
    const manual = await egress.request(`${allowed.url}/redirect?to=/`, {
      timeoutMs: 2000,
      maxBytes: 1000,
      redirect: 'manual',
    });
    assert.equal(manual.status, 302);
  });

  it('caps redirects', async () => {
    const before = allowed.hits.length;
    await assert.rejects(
      egress.request(`${allowed.url}/loop`, { timeoutMs: 2000, maxBytes: 1000 }),
      refused('redirect', /more than 3 redirects/),
    );
    assert.equal(allowed.hits.length - before, 4, 'the first request and three redirects');
  });

  it('caps time', async () => {
    const started = Date.now();
    await assert.rejects(
      egress.request(`${allowed.url}/silent`, { timeoutMs: 300, maxBytes: 1000 }),
      refused('timeout', /no answer within 300 ms/),
    );
    assert.ok(Date.now() - started < 2000);
  });

  it('caps size: refused by its announced length or as it streams, or cut when the caller asks', async () => {
    await assert.rejects(
      egress.request(`${allowed.url}/big-announced`, { timeoutMs: 2000, maxBytes: 1000 }),
      (err: EgressError) => err.code === 'too_large' && err.size === 10_000,
    );
    await assert.rejects(
      egress.request(`${allowed.url}/big`, { timeoutMs: 2000, maxBytes: 1000 }),
      refused('too_large'),
    );
    const cut = await egress.request(`${allowed.url}/big`, {
      timeoutMs: 2000,
      maxBytes: 1000,
      overflow: 'cut',
    });
    assert.equal(cut.body.length, 1000);
    assert.equal(cut.cut, true);
  });

  it('says whether the request had left when it failed: a drop after it was read or no answer, yes; a refused connection, no', async () => {
    const post = { method: 'POST', body: 'order=1', timeoutMs: 2000, maxBytes: 1000 };
    await assert.rejects(
      egress.request(`${allowed.url}/drop`, post),
      (err: EgressError) => err.code === 'network' && err.requestSent,
    );
    await assert.rejects(
      egress.request(`${allowed.url}/silent`, { ...post, timeoutMs: 300 }),
      (err: EgressError) => err.code === 'timeout' && err.requestSent,
    );
    const local = make({ allow: (address) => address === '127.0.0.1' });
    await assert.rejects(
      local.request(`${await refusedUrl()}/`, post),
      (err: EgressError) => err.code === 'network' && !err.requestSent,
    );
    local.close();
  });

  it('refuses what is not http(s)', async () => {
    for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1/', 'not a url'])
      await assert.rejects(
        egress.request(url, { timeoutMs: 2000, maxBytes: 1000 }),
        refused('invalid_url'),
        url,
      );
  });
});

describe('egress kept-alive connections: none used past the server’s close', () => {
  let server: Server;
  let url = '';
  /** Connections the server accepted, and the requests it read on each. */
  let connections = 0;
  const served = new WeakMap<object, number>();
  const seen: string[] = [];
  const make = (idleMs?: number) =>
    new Egress(
      { allowPrivate: false, maxRedirects: 3 },
      { allow: (a) => a === '127.0.0.1', ...(idleMs ? { idleMs } : {}) },
    );

  before(async () => {
    server = createServer((req, res) => {
      const n = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, n);
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      // The close racing a request: the second request on a connection finds it closed, unanswered.
      if (req.url === '/second-dies' && n === 2) return void req.socket.destroy();
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 800);
      res.end('hello');
    });
    server.on('connection', () => connections++);
    // Node announces `Keep-Alive: timeout=2` and closes an idle connection after 2 s.
    server.keepAliveTimeout = 2000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    connections = 0;
    seen.length = 0;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('closes an idle connection a second before the server’s announced keep-alive ends', async () => {
    const egress = make();
    const get = { timeoutMs: 5000, maxBytes: 1000 };
    assert.equal((await egress.request(`${url}/a`, get)).status, 200);
    // Past the announced 2 s less a second, before the server's own close.
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal((await egress.request(`${url}/b`, get)).status, 200);
    assert.equal(connections, 2, 'the second request opened a new connection');
    egress.close();
  });

  it('sends a repeatable request once more on a new connection when its kept-alive one was closed; a message, never', async () => {
    // Each on its own agent: the request after `/first` is a connection's second.
    const egresses: Egress[] = [];
    const send = async (method: string, repeatable?: boolean) => {
      const egress = make();
      egresses.push(egress);
      assert.equal((await egress.request(`${url}/first`, { timeoutMs: 5000, maxBytes: 1000 })).status, 200);
      return egress.request(`${url}/second-dies`, {
        method,
        timeoutMs: 5000,
        maxBytes: 1000,
        ...(method === 'POST' ? { body: 'x' } : {}),
        ...(repeatable === undefined ? {} : { repeatable }),
      });
    };
    const got = await send('GET');
    assert.equal(got.body.toString(), 'hello');
    assert.deepEqual(seen, ['GET /first', 'GET /second-dies', 'GET /second-dies']);
    seen.length = 0;
    const completion = await send('POST', true);
    assert.equal(completion.status, 200);
    assert.deepEqual(seen, ['GET /first', 'POST /second-dies', 'POST /second-dies']);
    seen.length = 0;
    await assert.rejects(
      send('POST'),
      (err: EgressError) => err.code === 'network' && err.stale && err.requestSent,
    );
    assert.deepEqual(seen, ['GET /first', 'POST /second-dies'], 'a message is sent once');
    for (const e of egresses) e.close();
  });

  it('does not cut an answer that takes longer than the idle time', async () => {
    const egress = make(300);
    const res = await egress.request(`${url}/slow`, { timeoutMs: 5000, maxBytes: 1000 });
    assert.equal(res.body.toString(), 'late');
    egress.close();
  });
});
