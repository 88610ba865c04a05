import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { closeServer } from './close-server.ts';

/**
 * How the next ID token is spoiled, to see the relying party refuse it. `userinfo_sub`: the ID
 * token carries only `sub`, and UserInfo answers with another person's.
 */
export type Tamper = 'nonce' | 'issuer' | 'signature' | 'audience' | 'expired' | 'userinfo_sub' | null;

export interface IdpUser {
  sub: string;
  email: string;
  name?: string;
  groups?: string[];
  email_verified?: boolean;
}

/**
 * A minimal OpenID Connect provider for the relying party's checks: discovery, JWKS, an
 * authorization endpoint that signs in `user` at once, and a token endpoint that checks the client's
 * secret and the PKCE verifier (RFC 7636, S256) before it issues an RS256 ID token, spoiled on
 * request. The browser test uses the full `oidc-provider` package instead.
 */
export async function startIdp(opts: { clientId: string; clientSecret: string }) {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { nonce: string; challenge: string; redirectUri: string; user: IdpUser }>();
  const accessTokens = new Map<string, { user: IdpUser; tamper: Tamper }>();
  const state = { user: null as IdpUser | null, tamper: null as Tamper, tokenCalls: 0, verifierChecked: 0 };
  let issuer = '';

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration')
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        userinfo_endpoint: `${issuer}/userinfo`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['openid', 'email', 'profile', 'groups'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
      });
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/userinfo') {
      const grant = accessTokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!grant) return json(401, { error: 'invalid_token' });
      const { user, tamper } = grant;
      const sub = tamper === 'userinfo_sub' ? `${user.sub}-other` : user.sub;
      return json(200, { ...user, sub, email_verified: user.email_verified ?? true });
    }
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== opts.clientId || q.get('code_challenge_method') !== 'S256' || !state.user)
        return json(400, { error: 'invalid_request' });
      const code = randomUUID();
      codes.set(code, {
        nonce: q.get('nonce') ?? '',
        challenge: q.get('code_challenge') ?? '',
        redirectUri: q.get('redirect_uri') ?? '',
        user: state.user,
      });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', async () => {
        state.tokenCalls++;
        const form = new URLSearchParams(body);
        // RFC 6749 §2.3.1: the id and secret are form-url-encoded, then joined and base64-encoded.
        const [scheme, b64] = (req.headers.authorization ?? '').split(' ');
        const [id, secret] = Buffer.from(b64 ?? '', 'base64')
          .toString()
          .split(':')
          .map((p) => decodeURIComponent(p.replace(/\+/g, ' ')));
        if (scheme !== 'Basic' || id !== opts.clientId || secret !== opts.clientSecret)
          return json(401, { error: 'invalid_client' });
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!grant || grant.redirectUri !== form.get('redirect_uri'))
          return json(400, { error: 'invalid_grant' });
        const verifier = form.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge)
          return json(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
        state.verifierChecked++;
        const t = state.tamper;
        const now = Math.floor(Date.now() / 1000);
        const { user } = grant;
        const person =
          t === 'userinfo_sub'
            ? {}
            : {
                email: user.email,
                email_verified: user.email_verified ?? true,
                name: user.name,
                groups: user.groups ?? [],
              };
        const idToken = await new SignJWT({ ...person, nonce: t === 'nonce' ? 'not-the-nonce' : grant.nonce })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer(t === 'issuer' ? 'https://evil.example' : issuer)
          .setSubject(user.sub)
          .setAudience(t === 'audience' ? 'someone-else' : opts.clientId)
          .setIssuedAt(t === 'expired' ? now - 7200 : now)
          .setExpirationTime(t === 'expired' ? now - 3600 : now + 300)
          .sign(t === 'signature' ? stranger.privateKey : privateKey);
        const accessToken = randomUUID();
        accessTokens.set(accessToken, { user, tamper: t });
        json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 300, id_token: idToken });
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    state,
    close: () => closeServer(server),
  };
}
