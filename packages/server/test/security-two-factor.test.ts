import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Secret } from 'otpauth';
import { totpCode, totpStep } from '../src/auth/totp.ts';
import { ApiClient } from './helpers/api-client.ts';
import { DEMO_ADMIN, DEMO_AGENT_PASSWORD, startTestServer, type TestServer } from './helpers/test-server.ts';

/** RFC 6238 appendix B, SHA-1 rows: the seed is the ASCII string "12345678901234567890". */
const RFC_SECRET = Secret.fromUTF8('12345678901234567890').base32;
const RFC_VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP codes (RFC 6238)', () => {
  it('gives the published test vectors, cut to the six digits apps show', () => {
    for (const [t, code] of RFC_VECTORS)
      assert.equal(totpCode(RFC_SECRET, t * 1000), code.slice(-6), `T=${t}`);
  });

  it('accepts a code one step either side of now, and no further', () => {
    const now = 1111111109_000;
    const step = Math.floor(now / 30_000);
    assert.equal(totpStep(RFC_SECRET, '081804', now), step);
    assert.equal(totpStep(RFC_SECRET, '081804', now + 30_000), step, 'a phone 30 s behind');
    assert.equal(totpStep(RFC_SECRET, '081804', now + 90_000), null);
    assert.equal(totpStep(RFC_SECRET, '08 18 04', now), step, 'spaces as apps group them');
    assert.equal(totpStep(RFC_SECRET, '08180', now), null);
    assert.equal(totpStep(RFC_SECRET, 'abcdef', now), null);
  });
});

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`two-factor sign-in and sessions (${store})`, () => {
    let srv: TestServer;
    const AGENT = 'sales@demo.beckon.local';
    let now = Date.now();
    before(async () => {
      srv = await startTestServer({ demo: true, store });
      // Each look at the sign-in limiter's clock is 31 s later: retries here are never slowed by the delay.
      srv.node.ctx.loginLimiter.clock = () => (now += 31_000);
    });
    after(() => srv?.close());

    const signIn = async (email: string, password: string, extra: Record<string, string> = {}) => {
      const api = new ApiClient(srv.node.app);
      const res = await api.request('POST', '/api/v1/auth/login', { email, password, ...extra });
      if (res.status === 200) api.csrf = res.body.csrfToken;
      return { api, res };
    };
    const codeNow = (secret: string, offsetSteps = 0) => totpCode(secret, Date.now() + offsetSteps * 30_000);

    it('sets up with a scanned secret, then asks every sign-in for a code that works once', async () => {
      const { api } = await signIn(AGENT, DEMO_AGENT_PASSWORD);
      assert.deepEqual((await api.get('/api/v1/me/totp')).body, {
        enabled: false,
        required: false,
        recoveryCodesLeft: 0,
      });
      const setup = await api.post('/api/v1/me/totp/setup');
      assert.equal(setup.status, 200);
      assert.match(setup.body.otpauthUrl, /^otpauth:\/\/totp\/.*secret=[A-Z2-7]+/);
      assert.match(setup.body.qrSvg, /^<svg/);
      const secret: string = setup.body.secret;

      const wrong = await api.post('/api/v1/me/totp/enable', {
        code: '000000' === codeNow(secret) ? '111111' : '000000',
      });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error.code, 'invalid_totp');
      const enabled = await api.post('/api/v1/me/totp/enable', { code: codeNow(secret) });
      assert.equal(enabled.status, 200);
      const recovery: string[] = enabled.body.recoveryCodes;
      assert.equal(recovery.length, 10);
      assert.equal(new Set(recovery).size, 10);
      assert.equal((await api.get('/api/v1/me')).body.twoFactor.enabled, true);
      assert.equal((await api.post('/api/v1/me/totp/setup')).status, 409, 'no second set-up while on');

      // The password alone is not enough any more.
      const { res: askCode } = await signIn(AGENT, DEMO_AGENT_PASSWORD);
      assert.equal(askCode.status, 401);
      assert.equal(askCode.body.error.code, 'totp_required');
      const { res: badPassword } = await signIn(AGENT, 'not-it', { totpCode: codeNow(secret, 1) });
      assert.equal(
        badPassword.body.error.code,
        'invalid_credentials',
        'a code never makes a wrong password right',
      );
      // The code the set-up used is spent: the next step's code signs in, once.
      const next = codeNow(secret, 1);
      const { api: phone, res: withCode } = await signIn(AGENT, DEMO_AGENT_PASSWORD, { totpCode: next });
      assert.equal(withCode.status, 200);
      assert.equal(withCode.body.twoFactor.enabled, true);
      const { res: replay } = await signIn(AGENT, DEMO_AGENT_PASSWORD, { totpCode: next });
      assert.equal(replay.status, 401);
      assert.equal(replay.body.error.code, 'totp_replayed');

      // A recovery code works once, whatever its case and dashes.
      const { res: viaRecovery } = await signIn(AGENT, DEMO_AGENT_PASSWORD, {
        recoveryCode: recovery[0]!.toUpperCase().replace('-', ' '),
      });
      assert.equal(viaRecovery.status, 200);
      const { res: spent } = await signIn(AGENT, DEMO_AGENT_PASSWORD, { recoveryCode: recovery[0]! });
      assert.equal(spent.body.error.code, 'invalid_recovery_code');
      assert.equal((await api.get('/api/v1/me/totp')).body.recoveryCodesLeft, 9);

      // Sessions: the user sees each sign-in, with how it signed in, and ends one.
      const mine = await phone.get('/api/v1/me/sessions');
      assert.equal(mine.status, 200);
      const methods = mine.body.items.map((s: { method: string }) => s.method).sort();
      assert.deepEqual(methods, ['password', 'password+recovery', 'password+totp']);
      const current = mine.body.items.filter((s: { current: boolean }) => s.current);
      assert.equal(current.length, 1);
      assert.equal(current[0].method, 'password+totp');
      const first = mine.body.items.find((s: { method: string }) => s.method === 'password');
      assert.equal((await phone.delete(`/api/v1/me/sessions/${first.id}`)).status, 204);
      assert.equal((await api.get('/api/v1/me')).status, 401, 'the ended session is signed out');
      assert.equal((await phone.delete(`/api/v1/me/sessions/${first.id}`)).status, 404);
      assert.equal((await phone.delete('/api/v1/me/sessions')).status, 204);
      const left = await phone.get('/api/v1/me/sessions');
      assert.deepEqual(
        left.body.items.map((s: { current: boolean }) => s.current),
        [true],
      );

      // Off again only with the password.
      const noPassword = await phone.post('/api/v1/me/totp/disable', { password: 'not-it' });
      assert.equal(noPassword.status, 403);
      assert.equal(
        (await phone.post('/api/v1/me/totp/disable', { password: DEMO_AGENT_PASSWORD })).status,
        204,
      );
      assert.equal((await signIn(AGENT, DEMO_AGENT_PASSWORD)).res.status, 200);
    });

    it('counts wrong codes like wrong passwords: the pair is refused after five', async () => {
      const email = 'support@demo.beckon.local';
      const { api } = await signIn(email, DEMO_AGENT_PASSWORD);
      const secret = (await api.post('/api/v1/me/totp/setup')).body.secret;
      await api.post('/api/v1/me/totp/enable', { code: codeNow(secret) });
      const wrongCode = codeNow(secret) === '123456' ? '654321' : '123456';
      const codes: number[] = [];
      for (let i = 0; i < 6; i++)
        codes.push((await signIn(email, DEMO_AGENT_PASSWORD, { totpCode: wrongCode })).res.status);
      assert.deepEqual(codes, [401, 401, 401, 401, 401, 429]);
      const { res } = await signIn(email, DEMO_AGENT_PASSWORD, { totpCode: codeNow(secret, 1) });
      assert.equal(res.status, 429, 'even the right code waits once the pair is refused');
    });

    it("lets an owner require it: a member without it reaches only the set-up, and an owner sees everyone's sessions", async () => {
      const { api: owner } = await signIn(DEMO_ADMIN.email, DEMO_ADMIN.password);
      const refused = await owner.request('PUT', '/api/v1/account/security', { requireTotp: true });
      assert.equal(refused.status, 409, 'not before the owner has it');
      const secret = (await owner.post('/api/v1/me/totp/setup')).body.secret;
      assert.equal((await owner.post('/api/v1/me/totp/enable', { code: codeNow(secret) })).status, 200);
      assert.equal(
        (await owner.request('PUT', '/api/v1/account/security', { requireTotp: true })).status,
        200,
      );

      const { api: member, res } = await signIn(AGENT, DEMO_AGENT_PASSWORD);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.twoFactor, { enabled: false, required: true, setupRequired: true });
      const blocked = await member.get('/api/v1/conversations');
      assert.equal(blocked.status, 403);
      assert.equal(blocked.body.error.code, 'totp_setup_required');
      assert.equal((await member.get('/api/v1/me')).status, 200);
      const memberSecret = (await member.post('/api/v1/me/totp/setup')).body.secret;
      assert.equal(
        (await member.post('/api/v1/me/totp/enable', { code: codeNow(memberSecret) })).status,
        200,
      );
      assert.equal((await member.get('/api/v1/conversations')).status, 200, 'set up: the console opens');
      assert.equal(
        (await member.post('/api/v1/me/totp/disable', { password: DEMO_AGENT_PASSWORD })).status,
        409,
      );

      const all = await owner.get('/api/v1/sessions');
      assert.equal(all.status, 200);
      const memberSession = all.body.items.find((s: { userEmail: string }) => s.userEmail === AGENT);
      assert.ok(memberSession, 'the member’s session is listed');
      assert.equal((await member.get('/api/v1/sessions')).status, 403, 'members see only their own');
      assert.equal((await owner.delete(`/api/v1/sessions/${memberSession.id}`)).status, 204);
      assert.equal((await member.get('/api/v1/me')).status, 401);

      // A lost phone: the owner resets the member, who sets up again at the next sign-in.
      const users = (await owner.get('/api/v1/users')).body.items as Array<{ id: string; email: string }>;
      const agentId = users.find((u) => u.email === AGENT)!.id;
      assert.equal((await owner.delete(`/api/v1/users/${agentId}/totp`)).status, 204);
      const { res: again } = await signIn(AGENT, DEMO_AGENT_PASSWORD);
      assert.equal(again.body.twoFactor.setupRequired, true);
      await owner.request('PUT', '/api/v1/account/security', { requireTotp: false });
    });

    it('keeps API keys out of the personal routes and the owners’ ones', async () => {
      const made = await srv.node.ctx.store.apiKeys.create(srv.demo!.accountId, 'probe');
      const key = new ApiClient(srv.node.app);
      key.bearer = made.key;
      assert.equal((await key.get('/api/v1/me/totp')).status, 400);
      assert.equal((await key.get('/api/v1/sessions')).status, 403);
      assert.equal(
        (await key.request('PUT', '/api/v1/account/security', { requireTotp: false })).status,
        403,
      );
    });
  });
}
