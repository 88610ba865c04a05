import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentChatClient } from '@beckon/sdk/agent-client';
import type { CloseInfo } from '@beckon/sdk/frame-socket';
import { hashPassword } from '../src/auth/passwords.ts';
import { totpCode } from '../src/auth/totp.ts';
import type { BeckonNode } from '../src/node.ts';
import { ApiClient } from './helpers/api-client.ts';
import { type NodeCluster, startCluster } from './helpers/node-cluster.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { TEST_REDIS_URL as REDIS_URL, redisSkipReasonNow } from './helpers/redis.ts';
import { DEMO_ADMIN, startTestServer } from './helpers/test-server.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();
const REDIS_SKIP = redisSkipReasonNow();

/** How long an ended session's console socket may stay open. */
const CLOSE_WITHIN_MS = 5000;

/** The socket's close, or a failure once CLOSE_WITHIN_MS has passed without it. */
async function closedWithin(agent: AgentChatClient): Promise<CloseInfo> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the socket is still open')), CLOSE_WITHIN_MS);
  });
  try {
    return await Promise.race([agent.frames.closed, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** One node's sessions made in its store, as clients (API and console socket) that send the cookie. */
function sessionsOn(node: BeckonNode) {
  const { store } = node.ctx;
  return {
    /** A new user of the account (an agent unless told), with no sessions yet. */
    async person(accountId: string, name: string, role: 'agent' | 'admin' = 'agent') {
      const email = `${name}.${Math.random().toString(36).slice(2, 8)}@demo.beckon.local`;
      const user = await store.users.create(accountId, {
        email,
        name,
        role,
        passwordHash: await hashPassword('a-password-of-theirs'),
      });
      return { id: user.id, email };
    },
    /** A signed-in session of the user: its API client and cookie. */
    async session(userId: string, accountId: string, method?: 'oidc') {
      const s = await store.authSessions.create(userId, accountId, 3600_000, method ? { method } : {});
      const api = new ApiClient(node.app);
      api.cookie = `beckon_session=${s.token}`;
      api.csrf = s.csrfToken;
      return { api, cookie: api.cookie };
    },
    /** The console's socket opened with `cookie`. */
    console: (cookie: string) => AgentChatClient.connect(node.url, { cookie }),
  };
}

for (const storeKind of ['sqlite', 'postgres'] as const) {
  describe(`sessions end when sign-in changes (${storeKind})`, () => {
    let node: BeckonNode;
    let close: () => Promise<void>;
    let accountId: string;
    let ownerId: string;
    let on: ReturnType<typeof sessionsOn>;
    before(async () => {
      const srv = await startTestServer({ demo: true, store: storeKind });
      node = srv.node;
      close = srv.close;
      accountId = srv.demo!.accountId;
      on = sessionsOn(node);
      ownerId = (await node.ctx.store.users.findForLogin(DEMO_ADMIN.email))!.user.id;
    });
    after(() => close?.());

    const totpOn = async (api: ApiClient) => {
      const { secret } = (await api.post('/api/v1/me/totp/setup')).body;
      const on = await api.post('/api/v1/me/totp/enable', { code: totpCode(secret, Date.now()) });
      assert.equal(on.status, 200, JSON.stringify(on.body));
    };

    it('two-factor turned on by the user ends their other sessions and consoles; this one stays', async () => {
      const ida = await on.person(accountId, 'ida');
      const here = await on.session(ida.id, accountId);
      const laptop = await on.session(ida.id, accountId);
      const [hereConsole, laptopConsole] = await Promise.all([
        on.console(here.cookie),
        on.console(laptop.cookie),
      ]);
      await totpOn(here.api);
      const closed = await closedWithin(laptopConsole);
      assert.equal(closed.code, 4401);
      assert.equal((await laptop.api.get('/api/v1/me')).status, 401);
      assert.equal((await here.api.get('/api/v1/me')).status, 200, 'the session that turned it on stays');
      await hereConsole.setStatus('online'); // its console still answers
      await hereConsole.disconnect();
    });

    it("an admin's password reset, a role change and a removal end all of the user's sessions and consoles", async () => {
      const owner = await on.session(ownerId, accountId);
      const changes = {
        reset: (id: string) => owner.api.patch(`/api/v1/users/${id}`, { password: 'reset-by-the-owner-1' }),
        role: (id: string) => owner.api.patch(`/api/v1/users/${id}`, { role: 'admin' }),
        removal: (id: string) => owner.api.delete(`/api/v1/users/${id}`),
      };
      for (const [what, change] of Object.entries(changes)) {
        const jo = await on.person(accountId, 'jo');
        const phone = await on.session(jo.id, accountId);
        const desk = await on.session(jo.id, accountId);
        const deskConsole = await on.console(desk.cookie);
        const res = await change(jo.id);
        assert.ok(res.status < 300, `${what}: ${JSON.stringify(res.body)}`);
        assert.equal((await closedWithin(deskConsole)).code, 4401, what);
        assert.equal((await phone.api.get('/api/v1/me')).status, 401, what);
        assert.equal((await desk.api.get('/api/v1/me')).status, 401, what);
        assert.equal((await owner.api.get('/api/v1/me')).status, 200, 'the owner making it stays');
      }
    });

    it('requiring two-factor of the account ends the password sessions of members without it', async () => {
      const owner = await on.session(ownerId, accountId);
      await totpOn(owner.api);
      const without = await on.person(accountId, 'kai');
      const withIt = await on.person(accountId, 'lou');
      const kai = await on.session(without.id, accountId);
      const kaiSso = await on.session(without.id, accountId, 'oidc');
      const lou = await on.session(withIt.id, accountId);
      await totpOn(lou.api);
      const kaiConsole = await on.console(kai.cookie);
      try {
        const res = await owner.api.request('PUT', '/api/v1/account/security', { requireTotp: true });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal((await closedWithin(kaiConsole)).code, 4401);
        assert.equal((await kai.api.get('/api/v1/me')).status, 401);
        assert.equal(
          (await kaiSso.api.get('/api/v1/me')).status,
          200,
          'the provider answers for single sign-on',
        );
        assert.equal((await lou.api.get('/api/v1/me')).status, 200, 'a member with two-factor stays');
        assert.equal((await owner.api.get('/api/v1/me')).status, 200, 'the owner making it stays');
      } finally {
        await node.ctx.store.twoFactor.setRequired(accountId, false);
      }
    });
  });
}

describe('a session ended on one node closes its console on another (PostgreSQL + Redis)', () => {
  const skip = PG_SKIP ?? REDIS_SKIP;
  let cluster: NodeCluster | undefined;
  before(async () => {
    if (!skip) cluster = await startCluster(2, REDIS_URL);
  });
  after(() => cluster?.close());

  it("an owner's password reset on node A closes the agent's console on node B", {
    skip: skip ?? false,
  }, async () => {
    const [a, b] = cluster!.nodes as [BeckonNode, BeckonNode];
    const { accountId } = cluster!.demo;
    const onA = sessionsOn(a);
    const onB = sessionsOn(b);
    const ownerId = (await a.ctx.store.users.findForLogin(DEMO_ADMIN.email))!.user.id;
    const owner = await onA.session(ownerId, accountId);
    const mo = await onB.person(accountId, 'mo');
    const desk = await onB.session(mo.id, accountId);
    const deskConsole = await onB.console(desk.cookie);
    const res = await owner.api.patch(`/api/v1/users/${mo.id}`, { password: 'reset-on-node-a-1' });
    assert.equal(res.status, 200);
    assert.equal((await closedWithin(deskConsole)).code, 4401);
    assert.equal((await desk.api.get('/api/v1/me')).status, 401, 'node B no longer knows the session');
  });
});
