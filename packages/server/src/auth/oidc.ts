import type { Role } from '@beckon/protocol/api';
import type * as oidc from 'openid-client';
import type { Egress } from '../egress/egress.ts';
import { egressFetch } from '../egress/egress-fetch.ts';
import type { SsoConfig } from '../store/sso-repo.ts';

/** How long a provider's discovered metadata is trusted before it is read again (ms). */
const DISCOVERY_TTL_MS = 15 * 60_000;
/** The most of a provider's answer read (metadata, keys, tokens). */
const ANSWER_BYTES = 1024 * 1024;
/** The longest a provider request may take; openid-client's own timeout (30 s) aborts first. */
const PROVIDER_TIMEOUT_MS = 35_000;
/** The stronger role wins when a user's groups map to several. */
const RANK: Record<Role, number> = { analyst: 0, agent: 1, admin: 2, owner: 3 };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An issuer must be HTTPS, except on this machine (a provider run beside Beckon, or a test's). */
export function issuerProblem(issuer: string): string | null {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'the issuer must be a URL';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return null;
  return 'the issuer must use https';
}

/** What the provider said about the person, once its ID token checked out. */
export interface SsoClaims {
  issuer: string;
  subject: string;
  email: string;
  name: string;
  groups: string[];
}

type OpenIdClient = typeof import('openid-client');
let library: Promise<OpenIdClient> | undefined;
/**
 * openid-client (and jose under it), loaded with the first sign-in or test of a provider: a node
 * whose people sign in with passwords skips their modules.
 */
function openIdClient(): Promise<OpenIdClient> {
  library ??= import('openid-client');
  return library;
}

/**
 * The OpenID Connect relying party: the authorization code flow with PKCE (S256), `state` and
 * `nonce`, and the ID token's signature checked against the provider's keys (not only trusted
 * for arriving over TLS), its issuer, audience, expiry and nonce. Every request to the provider
 * (discovery, keys, the token exchange) goes through the egress: the issuer is configured.
 */
export class OidcClient {
  private readonly discovered = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

  private readonly fetch;

  /** `redirectUri`: read at each use, since a node started on port 0 learns its URL late. */
  constructor(
    private readonly redirectUri: () => string,
    egress: Egress,
  ) {
    const viaEgress = egressFetch(egress, { timeoutMs: PROVIDER_TIMEOUT_MS, maxBytes: ANSWER_BYTES });
    this.fetch = (url: string, init: oidc.CustomFetchOptions) => viaEgress(url, init as RequestInit);
  }

  private configOf(sso: SsoConfig): Promise<oidc.Configuration> {
    const key = `${sso.issuer}|${sso.clientId}|${sso.clientSecret}`;
    const hit = this.discovered.get(key);
    if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.config;
    const insecure = new URL(sso.issuer).protocol === 'http:';
    const config = openIdClient().then((oidc) =>
      oidc
        // `client_secret_basic`: the default of OpenID Connect and the one every provider takes.
        .discovery(new URL(sso.issuer), sso.clientId, undefined, oidc.ClientSecretBasic(sso.clientSecret), {
          execute: insecure ? [oidc.allowInsecureRequests] : [],
          // Assigned to the configuration too, so its later requests (keys, tokens) take the same way.
          [oidc.customFetch]: this.fetch,
        })
        .then((c) => {
          oidc.enableNonRepudiationChecks(c);
          return c;
        }),
    );
    config.catch(() => this.discovered.delete(key));
    this.discovered.set(key, { at: Date.now(), config });
    return config;
  }

  /** Reads the provider's metadata now (the console's "Test"): its issuer and authorization endpoint. */
  async probe(sso: SsoConfig): Promise<{ issuer: string; authorizationEndpoint: string }> {
    this.discovered.clear();
    const meta = (await this.configOf(sso)).serverMetadata();
    return { issuer: meta.issuer, authorizationEndpoint: meta.authorization_endpoint ?? '' };
  }

  /** Where to send the browser, with the secrets to keep until it comes back. */
  async start(sso: SsoConfig, loginHint?: string) {
    const config = await this.configOf(sso);
    const oidc = await openIdClient();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    // Providers that list a `groups` scope (Okta, oidc-provider…) put groups in the ID token only when asked.
    const groupsScope = config.serverMetadata().scopes_supported?.includes('groups') ? ' groups' : '';
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(),
      scope: `openid email profile${groupsScope}`,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(loginHint ? { login_hint: loginHint } : {}),
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /** Trades the code for tokens and checks the ID token; throws on any mismatch. */
  async finish(
    sso: SsoConfig,
    callbackQuery: string,
    pending: { state: string; nonce: string; codeVerifier: string },
  ): Promise<SsoClaims> {
    const config = await this.configOf(sso);
    const oidc = await openIdClient();
    const current = new URL(`${this.redirectUri()}?${callbackQuery}`);
    const tokens = await oidc
      .authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      })
      .catch((err: unknown) => {
        // The provider's own words (`invalid_grant: PKCE verification failed`) say more than the wrapper's.
        if (err instanceof oidc.ResponseBodyError)
          throw new Error(`${err.error}${err.error_description ? `: ${err.error_description}` : ''}`);
        throw err;
      });
    const claims = tokens.claims();
    if (!claims) throw new Error('the provider sent no ID token');
    const person = await this.personOf(config, sso, claims, tokens.access_token);
    if (person.email_verified === false) throw new Error('the provider has not verified this e-mail address');
    const email = typeof person.email === 'string' ? person.email.trim().toLowerCase() : '';
    if (!email) throw new Error('the provider gave no e-mail address; add the email scope or claim');
    const raw = person[sso.groupsClaim];
    const groups = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
    const name = typeof person.name === 'string' && person.name.trim() ? person.name.trim() : email;
    return { issuer: claims.iss, subject: claims.sub, email, name, groups };
  }

  /**
   * The person's claims: the ID token's, with what it lacks read from the UserInfo endpoint
   * (OpenID Connect Core 5.4), as most providers put only `sub` in a code flow's ID token.
   * UserInfo must name the same `sub` (Core 5.3.2), or its answer is about someone else.
   */
  private async personOf(
    config: oidc.Configuration,
    sso: SsoConfig,
    claims: oidc.IDToken,
    accessToken: string,
  ): Promise<Record<string, unknown>> {
    const complete =
      claims.email !== undefined && claims.name !== undefined && claims[sso.groupsClaim] !== undefined;
    if (complete || !config.serverMetadata().userinfo_endpoint) return claims;
    // Passing the ID token's `sub` makes the call refuse an answer that names anyone else.
    const info = await (await openIdClient()).fetchUserInfo(config, accessToken, claims.sub);
    // The e-mail and whether it is verified come from one source, never half from each.
    const mail = claims.email === undefined ? info : claims;
    return {
      ...claims,
      email: mail.email,
      email_verified: mail.email_verified,
      name: claims.name ?? info.name,
      [sso.groupsClaim]: claims[sso.groupsClaim] ?? info[sso.groupsClaim],
    };
  }
}

/** The strongest role the user's groups map to, or null when none does. */
export function roleForGroups(roleMap: Record<string, Role>, groups: string[]): Role | null {
  let best: Role | null = null;
  for (const g of groups) {
    const role = roleMap[g];
    if (role && (best === null || RANK[role] > RANK[best])) best = role;
  }
  return best;
}
