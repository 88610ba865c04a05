import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { addressKey } from '../src/auth/login-limiter.ts';
import { DEMO_ADMIN, DEMO_AGENT_PASSWORD, startTestServer, type TestServer } from './helpers/test-server.ts';

describe('sign-in limits: nobody can lock a user out from elsewhere', () => {
  let srv: TestServer;
  let now = Date.parse('2026-01-01T00:00:00Z');
  before(async () => {
    srv = await startTestServer({ demo: true });
    srv.node.ctx.loginLimiter.clock = () => now;
  });
  beforeEach(() => {
    now += 3600_000; // every test starts with the previous one's failures out of the window
  });
  after(() => srv.close());

  const login = async (email: string, password: string, remoteAddress: string) => {
    const res = await srv.node.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress,
    });
    return { status: res.statusCode, retryAfter: Number(res.headers['retry-after'] ?? 0), body: res.json() };
  };

  it('lets the owner sign in at their usual address while 50 addresses guess their password', async () => {
    const home = '198.51.100.7';
    assert.equal((await login(DEMO_ADMIN.email, DEMO_ADMIN.password, home)).status, 200);
    let failures = 0;
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 50; i++) {
        now += 31_000; // each attacker waits out the e-mail's delay, so every try is a real guess
        const r = await login(DEMO_ADMIN.email, `guess-${round}-${i}`, `203.0.113.${i}`);
        assert.equal(r.status, 401);
        failures++;
      }
      // and tries sent between the delays are refused without a guess
      const early = await login(DEMO_ADMIN.email, 'one-more', '192.0.2.99');
      assert.equal(early.status, 429);
      assert.ok(early.retryAfter > 0 && early.retryAfter <= 30, `retry after ${early.retryAfter}`);
    }
    assert.equal(failures, 100);
    const owner = await login(DEMO_ADMIN.email, DEMO_ADMIN.password, home);
    assert.equal(owner.status, 200, JSON.stringify(owner.body));
    assert.equal(owner.body.user.email, DEMO_ADMIN.email);
  });

  it('lets the owner in from a new address within the 30 s cap, however many guessed before', async () => {
    for (let i = 0; i < 20; i++) {
      now += 31_000;
      assert.equal((await login(DEMO_ADMIN.email, `guess-${i}`, `203.0.113.${100 + i}`)).status, 401);
    }
    const travelling = '192.0.2.200';
    const first = await login(DEMO_ADMIN.email, DEMO_ADMIN.password, travelling);
    assert.equal(first.status, 429);
    assert.ok(first.retryAfter <= 30, `retry after ${first.retryAfter}`);
    now += first.retryAfter * 1000;
    assert.equal((await login(DEMO_ADMIN.email, DEMO_ADMIN.password, travelling)).status, 200);
  });

  it('refuses guessing from one address with 429 after 5 failures, even with the right password', async () => {
    const email = 'support@demo.beckon.local';
    const guesser = '203.0.113.250';
    for (let i = 0; i < 5; i++) {
      now += 31_000;
      assert.equal((await login(email, `bad-${i}`, guesser)).status, 401);
    }
    now += 31_000;
    const refused = await login(email, DEMO_AGENT_PASSWORD, guesser);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'too_many_attempts');
    // the pair is refused until its oldest failure leaves the 10-minute window
    assert.ok(refused.retryAfter > 30 && refused.retryAfter <= 600, `retry after ${refused.retryAfter}`);
    now += refused.retryAfter * 1000;
    assert.equal((await login(email, DEMO_AGENT_PASSWORD, guesser)).status, 200);
  });

  it('refuses one address guessing many e-mails after 20 failures', async () => {
    const guesser = '203.0.113.251';
    for (let i = 0; i < 20; i++)
      assert.equal((await login(`nobody${i}@example.com`, 'x', guesser)).status, 401);
    const refused = await login('sales@demo.beckon.local', DEMO_AGENT_PASSWORD, guesser);
    assert.equal(refused.status, 429);
    assert.ok(refused.retryAfter > 500, `retry after ${refused.retryAfter}`);
    // another address is not affected
    assert.equal((await login('sales@demo.beckon.local', DEMO_AGENT_PASSWORD, '203.0.113.252')).status, 200);
  });

  it('makes each try for an e-mail wait longer after each failure: 1, 2, 4, 8, 16, then 30 s', async () => {
    const email = 'sales@demo.beckon.local';
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await login(email, `bad-${i}`, `198.18.0.${i}`);
      if (i === 0) assert.equal(r.status, 401);
      else {
        assert.equal(r.status, 429);
        waits.push(r.retryAfter);
        now += r.retryAfter * 1000;
        assert.equal((await login(email, `bad-${i}`, `198.18.0.${i}`)).status, 401);
      }
    }
    assert.deepEqual(waits, [1, 2, 4, 8, 16, 30]);
  });

  it('counts an IPv6 host by its /64, so it cannot step through addresses', () => {
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), addressKey('2001:db8:1:2:ffff:1:2:3'));
    assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
    assert.equal(addressKey('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(addressKey('192.0.2.1'), '192.0.2.1');
  });
});
