/**
 * A fuzz pass over every socket endpoint and every operation of the OpenAPI document, with a fixed
 * seed so a failure replays. Hostile frames must end in an error frame or a 4xxx close (1009 for
 * an oversized frame), hostile requests in a 4xx; nothing may answer 5xx or stop the node.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ApiClient } from './helpers/api-client.ts';
import { cookieFor } from './helpers/chat-fixtures.ts';
import { NO_RATE_LIMITS } from './helpers/no-rate-limits.ts';
import { generator } from './helpers/seeded-random.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const deep = (n: number, open = '[', close = ']') => `${open.repeat(n)}${close.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

/** Values of every wrong kind, for any field. */
const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  -1,
  1e308,
  2 ** 53 + 1,
  '',
  'x'.repeat(70_000),
  '\u0000\ud800\u202e',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  [],
  [1, 'a', null],
  {},
  { __proto__: { admin: true } },
  JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}'),
  JSON.parse(deep(200)),
];

/** Path parameter values: traversal, encodings, lengths, prototype keys. */
const PATH_VALUES = [
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e',
  '%00',
  '__proto__',
  'constructor',
  'a'.repeat(5000),
  '%F0%9F%92%A9',
  '%E2%80%AE',
  '1e999',
  '-1',
  '%',
];

/** Whole bodies that are not what any route expects. */
const RAW_BODIES: Array<{ payload: string | Buffer; type?: string }> = [
  { payload: '{"a":', type: 'application/json' },
  { payload: 'null', type: 'application/json' },
  { payload: '"text"', type: 'application/json' },
  { payload: '[]', type: 'application/json' },
  { payload: '', type: 'application/json' },
  { payload: deep(20_000), type: 'application/json' },
  { payload: deepObject(20_000), type: 'application/json' },
  { payload: '{"a":1}', type: 'text/plain' },
  { payload: '<x/>', type: 'application/xml' },
  { payload: 'a=1&b[]=2', type: 'application/x-www-form-urlencoded' },
  { payload: Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]), type: 'application/octet-stream' },
  {
    payload: '--x\r\nContent-Disposition: form-data; name="f"\r\n\r\n1\r\n--x--',
    type: 'multipart/form-data; boundary=x',
  },
  { payload: '{"a":1}', type: 'application/json; charset=utf-16' },
];

interface Operation {
  method: string;
  path: string;
  body?: { properties?: Record<string, { type?: string | string[] }> };
}

describe('fuzz pass over every socket endpoint and API operation', { timeout: 180_000 }, () => {
  let srv: TestServer;
  let owner: ApiClient;
  let agentCookie: string;
  let botToken: string;
  before(async () => {
    srv = await startTestServer({ demo: true, store: 'sqlite', env: NO_RATE_LIMITS });
    const s = await cookieFor(srv, 'admin@demo.beckon.local');
    owner = new ApiClient(srv.node.app);
    owner.cookie = s.cookie;
    owner.csrf = s.csrf;
    agentCookie = (await cookieFor(srv, 'sales@demo.beckon.local')).cookie;
    const bot = await owner.post('/api/v1/bots', { name: 'Fuzz bot', kind: 'socket' });
    assert.equal(bot.status, 201, JSON.stringify(bot.body));
    botToken = bot.body.token;
  });
  after(() => srv?.close());

  const healthy = async () => {
    const res = await fetch(`${srv.url}/healthz`);
    assert.equal(res.status, 200, 'the node still answers its health check');
  };

  it('answers hostile socket frames with an error frame or a 4xxx close, on every endpoint', async (t) => {
    const { rnd, pick } = generator(20261126);
    const origin = new URL(srv.url).origin;
    const ws = srv.url.replace(/^http/, 'ws');
    const endpoints: Array<{ name: string; url: string; headers: Record<string, string> }> = [
      { name: 'visitor', url: `${ws}/v1/visitor?siteKey=${srv.demo!.siteKey}`, headers: { origin } },
      { name: 'visitor bad key', url: `${ws}/v1/visitor?siteKey=..%2F..`, headers: { origin } },
      { name: 'chat', url: `${ws}/v1/chat`, headers: { origin } },
      { name: 'agent', url: `${ws}/v1/agent`, headers: { origin, cookie: agentCookie } },
      { name: 'agent anonymous', url: `${ws}/v1/agent`, headers: { origin } },
      { name: 'bot', url: `${ws}/v1/bot`, headers: { authorization: `Bearer ${botToken}` } },
      { name: 'bot forged', url: `${ws}/v1/bot`, headers: { authorization: 'Bearer bkbot_forged' } },
      { name: 'unknown path', url: `${ws}/v1/nope`, headers: { origin } },
    ];
    const frameTypes = [
      'hello',
      'start',
      'send',
      'batch',
      'resume',
      'typing',
      'read',
      'accept',
      'transfer',
      'reply',
      'status',
      'ping',
      'constructor',
    ];
    /** A frame: bad JSON, binary, oversized, a known type with wrong fields, or any JSON at all. */
    const frame = (): string | Buffer => {
      const kind = rnd();
      if (kind < 0.1)
        return Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => rnd() * 256));
      if (kind < 0.2) return pick(['{', '{"type":', 'nul', '\u0000', '"', '}{', deep(5000)]);
      if (kind < 0.23) return JSON.stringify({ type: 'send', text: 'x'.repeat(300 * 1024) });
      if (kind < 0.4) return JSON.stringify(pick(HOSTILE_VALUES));
      const f: Record<string, unknown> = { type: pick(frameTypes) };
      for (const key of [
        'id',
        'token',
        'visitorId',
        'sessionId',
        'conversationId',
        'text',
        'events',
        'page',
        'afterSeq',
      ])
        if (rnd() < 0.4) f[key] = pick(HOSTILE_VALUES);
      return JSON.stringify(f);
    };

    const closes = new Map<string, number>();
    const failures: string[] = [];
    let frames = 0;
    for (const ep of endpoints) {
      for (let round = 0; round < 30; round++) {
        await new Promise<void>((resolve) => {
          const s = new WebSocket(ep.url, { headers: ep.headers, maxPayload: 0 });
          let errorFrames = 0;
          const done = (what: string) => {
            closes.set(`${ep.name} ${what}`, (closes.get(`${ep.name} ${what}`) ?? 0) + 1);
            resolve();
          };
          s.on('unexpected-response', (_req, res) => {
            if ((res.statusCode ?? 0) >= 500) failures.push(`${ep.name}: upgrade answered ${res.statusCode}`);
            done(`http ${res.statusCode}`);
          });
          s.on('error', () => {});
          s.on('message', (data) => {
            try {
              // The bot protocol names a frame's type `t`.
              const f = JSON.parse(data.toString()) as { type?: string; t?: string; code?: string };
              if ((f.type ?? f.t) === 'error') errorFrames++;
              if ((f.type ?? f.t) === 'error' && /internal/i.test(String(f.code)))
                failures.push(`${ep.name}: ${data}`);
            } catch {
              failures.push(`${ep.name}: a frame that is not JSON: ${String(data).slice(0, 80)}`);
            }
          });
          s.on('close', (code) => {
            if (!(code >= 4000 && code < 5000) && code !== 1009 && code !== 1000)
              failures.push(`${ep.name}: closed ${code}`);
            // A socket still open after the hostile frames (we close it, 1000) must have answered them with error frames.
            if (code === 1000 && errorFrames === 0)
              failures.push(`${ep.name}: hostile frames went unanswered`);
            done(String(code));
          });
          s.on('open', async () => {
            // Half the visitor sockets say a proper hello first, so the frames after it reach the gateway's batches.
            if (ep.name === 'visitor' && rnd() < 0.5)
              s.send(
                JSON.stringify({
                  type: 'hello',
                  visitorId: `fuzz-${round}`,
                  page: { url: `${origin}/` },
                  device: 'desktop',
                }),
              );
            for (let i = 0; i < 25 && s.readyState === WebSocket.OPEN; i++) {
              s.send(frame());
              frames++;
              if (i % 5 === 4) await new Promise((r) => setTimeout(r, 2));
            }
            // Whatever the socket still holds open ends on our side after a short wait.
            setTimeout(() => s.readyState === WebSocket.OPEN && s.close(1000), 150);
          });
        });
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(frames > 800, `only ${frames} frames sent`);
    t.diagnostic(`${frames} frames; closes: ${JSON.stringify(Object.fromEntries(closes))}`);
    await healthy();
  });

  it('answers hostile requests to every operation with a 4xx, never a 5xx', async () => {
    const { rnd, pick } = generator(20261127);
    const doc = (await owner.get('/api/openapi.json')).body;
    const ops: Operation[] = [];
    type DocOperation = { requestBody?: { content?: Record<string, { schema?: Operation['body'] }> } };
    for (const [path, item] of Object.entries<Record<string, DocOperation>>(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        // Signing out would end the session the rest of the pass uses.
        if (path === '/api/v1/auth/logout') continue;
        ops.push({
          method: method.toUpperCase(),
          path,
          body: op.requestBody?.content?.['application/json']?.schema,
        });
      }
    }
    assert.ok(ops.length > 150, `only ${ops.length} operations`);

    /** A body shaped like the operation's schema, with each field a hostile value of any kind. */
    const shaped = (op: Operation) => {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(op.body?.properties ?? {}))
        if (rnd() < 0.7) out[key] = pick(HOSTILE_VALUES);
      if (rnd() < 0.2) out[pick(['__proto__', 'constructor', 'x'.repeat(300)])] = pick(HOSTILE_VALUES);
      return JSON.stringify(out);
    };
    const url = (op: Operation) => {
      const path = op.path.replace(/\{\w+\}/g, () => pick(PATH_VALUES));
      const query =
        rnd() < 0.5
          ? ''
          : `?${pick(['limit=-1', 'limit=1e9', 'from=x&to=y', 'status[]=a', '__proto__[x]=1', `q=${'%41'.repeat(3000)}`, 'cursor=%00', 'siteKey=../x'])}`;
      return `${path}${query}`;
    };

    const failures: string[] = [];
    let requests = 0;
    for (const op of ops) {
      const attempts: Array<{ payload?: string | Buffer; type?: string }> = [
        { payload: shaped(op), type: 'application/json' },
        { payload: shaped(op), type: 'application/json' },
        pick(RAW_BODIES),
        {},
      ];
      for (const a of attempts) {
        for (const who of ['owner', 'anonymous'] as const) {
          const headers: Record<string, string> = {};
          if (a.type) headers['content-type'] = a.type;
          if (who === 'owner') {
            headers.cookie = owner.cookie!;
            headers['x-csrf-token'] = owner.csrf!;
          } else if (rnd() < 0.5) {
            headers['x-beckon-site-key'] = pick([srv.demo!.siteKey, '../../x', '']);
            headers['x-beckon-chat-token'] = pick(['x'.repeat(64), '%00', '']);
          }
          const method = op.method as 'POST';
          const res = await srv.node.app.inject({
            method,
            url: url(op),
            headers,
            ...(a.payload !== undefined && op.method !== 'GET' ? { payload: a.payload } : {}),
          });
          requests++;
          if (res.statusCode >= 500)
            failures.push(
              `${who} ${op.method} ${op.path} (${a.type}) → ${res.statusCode} ${res.body.slice(0, 200)}`,
            );
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(requests > 1200, `only ${requests} requests`);
    assert.equal((await owner.get('/api/v1/me')).status, 200, 'the session the pass used still works');
    await healthy();
  });
});
