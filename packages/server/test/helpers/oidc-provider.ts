import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { closeServer } from './close-server.ts';

export interface ProviderUser {
  email: string;
  name: string;
  groups: string[];
}

/**
 * A real OpenID Connect provider (the maintained `oidc-provider` package) on a free port, with one
 * confidential client and its development sign-in pages: any login name signs in as the user of
 * that name in `users`. PKCE is required, as it is of public deployments. By the package's
 * default, a code flow's ID token carries only `sub` and the person's claims come from UserInfo;
 * `claimsInIdToken` puts them in the ID token too, as some providers do.
 */
export async function startOidcProvider(opts: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  users: Record<string, ProviderUser>;
  claimsInIdToken?: boolean;
}) {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        redirect_uris: [opts.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    conformIdTokenClaims: !opts.claimsInIdToken,
    pkce: { required: () => true },
    cookies: { keys: ['a-test-cookie-key'] },
    findAccount: (_ctx, sub) => {
      const user = opts.users[sub];
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: user.email,
          email_verified: true,
          name: user.name,
          groups: user.groups,
        }),
      };
    },
  });
  // Plain HTTP on loopback: the provider would otherwise insist on TLS for its cookies.
  provider.proxy = true;
  // The paths asked for, in order, to see which endpoints a relying party used.
  const requested: string[] = [];
  const handle = provider.callback();
  server.on('request', (req, res) => {
    requested.push(new URL(req.url ?? '/', issuer).pathname);
    handle(req, res);
  });
  return { issuer, requested, close: () => closeServer(server) };
}
