import type { Role } from '@beckon/protocol/api';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { SecretsRef } from './secret-box.ts';

/** An account's OpenID Connect provider, as sign-in uses it. */
export interface SsoConfig {
  accountId: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  domains: string[];
  groupsClaim: string;
  roleMap: Record<string, Role>;
  defaultRole: Role | null;
  jit: boolean;
  enabled: boolean;
  updatedAt: number;
}

export type SsoConfigInput = Omit<SsoConfig, 'accountId' | 'updatedAt'>;

/** How long a sign-in may stay at the provider before its state is forgotten (ms). */
const PENDING_TTL_MS = 10 * 60_000;

const toConfig = (
  r: import('kysely').Selectable<import('./schema.ts').SsoConfigsTable>,
  secrets?: SecretsRef,
): SsoConfig => ({
  accountId: r.account_id,
  issuer: r.issuer,
  clientId: r.client_id,
  // Only the sign-in needs the secret; listings of domains pass no box and get it sealed.
  clientSecret: secrets ? secrets.box.open(r.client_secret) : r.client_secret,
  domains: JSON.parse(r.domains) as string[],
  groupsClaim: r.groups_claim,
  roleMap: JSON.parse(r.role_map) as Record<string, Role>,
  defaultRole: (r.default_role as Role | null) ?? null,
  jit: Number(r.jit) === 1,
  enabled: Number(r.enabled) === 1,
  updatedAt: Number(r.updated_at),
});

/** Single sign-on: each account's provider, sign-ins on their way, and linked provider subjects. */
export class SsoRepo {
  constructor(
    private readonly db: Kysely<Database>,
    /** Client secrets are sealed at rest. */
    private readonly secrets: SecretsRef,
  ) {}

  async config(accountId: string): Promise<SsoConfig | undefined> {
    const row = await this.db
      .selectFrom('sso_configs')
      .selectAll()
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row ? toConfig(row, this.secrets) : undefined;
  }

  /** The enabled provider that serves an e-mail domain, if any. */
  async forDomain(domain: string): Promise<SsoConfig | undefined> {
    const rows = await this.db.selectFrom('sso_configs').selectAll().where('enabled', '=', 1).execute();
    const row = rows.find((r) => toConfig(r).domains.includes(domain.toLowerCase()));
    return row ? toConfig(row, this.secrets) : undefined;
  }

  async save(accountId: string, input: SsoConfigInput): Promise<SsoConfig> {
    const now = Date.now();
    const values = {
      issuer: input.issuer,
      client_id: input.clientId,
      client_secret: this.secrets.box.seal(input.clientSecret),
      domains: JSON.stringify(input.domains.map((d) => d.toLowerCase())),
      groups_claim: input.groupsClaim,
      role_map: JSON.stringify(input.roleMap),
      default_role: input.defaultRole,
      jit: input.jit ? 1 : 0,
      enabled: input.enabled ? 1 : 0,
      updated_at: now,
    };
    await this.db
      .insertInto('sso_configs')
      .values({ account_id: accountId, created_at: now, ...values })
      .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
      .execute();
    return (await this.config(accountId))!;
  }

  async remove(accountId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('sso_configs').where('account_id', '=', accountId).executeTakeFirst();
    await this.db.deleteFrom('sso_identities').where('account_id', '=', accountId).execute();
    return Number(r.numDeletedRows) > 0;
  }

  /** Another account already serves one of these domains (a domain signs in to one account). */
  async domainTaken(accountId: string, domains: string[]): Promise<string | undefined> {
    const rows = await this.db
      .selectFrom('sso_configs')
      .selectAll()
      .where('account_id', '!=', accountId)
      .execute();
    const taken = new Set(rows.flatMap((r) => toConfig(r).domains));
    return domains.map((d) => d.toLowerCase()).find((d) => taken.has(d));
  }

  async begin(accountId: string, state: string, nonce: string, codeVerifier: string): Promise<void> {
    const now = Date.now();
    await this.db.deleteFrom('sso_pending').where('expires_at', '<', now).execute();
    await this.db
      .insertInto('sso_pending')
      .values({
        state,
        account_id: accountId,
        nonce,
        code_verifier: codeVerifier,
        expires_at: now + PENDING_TTL_MS,
      })
      .execute();
  }

  /** Takes a sign-in back from the provider, once: a second callback with the same state finds nothing. */
  async take(state: string): Promise<{ accountId: string; nonce: string; codeVerifier: string } | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('sso_pending')
        .selectAll()
        .where('state', '=', state)
        .executeTakeFirst();
      if (!row) return undefined;
      await tx.deleteFrom('sso_pending').where('state', '=', state).execute();
      if (Number(row.expires_at) < Date.now()) return undefined;
      return { accountId: row.account_id, nonce: row.nonce, codeVerifier: row.code_verifier };
    });
  }

  async userOf(issuer: string, subject: string): Promise<{ accountId: string; userId: string } | undefined> {
    const row = await this.db
      .selectFrom('sso_identities')
      .select(['account_id', 'user_id'])
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row ? { accountId: row.account_id, userId: row.user_id } : undefined;
  }

  async link(accountId: string, issuer: string, subject: string, userId: string): Promise<void> {
    await this.db
      .insertInto('sso_identities')
      .values({ issuer, subject, account_id: accountId, user_id: userId, created_at: Date.now() })
      .onConflict((oc) =>
        oc.columns(['issuer', 'subject']).doUpdateSet({ user_id: userId, account_id: accountId }),
      )
      .execute();
  }
}
