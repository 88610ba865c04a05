import type { Kysely } from 'kysely';
import { randomToken, sha256 } from '../ids.ts';
import type { Database } from './schema.ts';

export interface AuthSession {
  userId: string;
  accountId: string;
  csrfToken: string;
  expiresAt: number;
  /** The session's public id (what the sessions list shows and revokes by). */
  ref: string;
  lastSeenAt: number;
  /** The account requires two-factor sign-in… */
  totpRequired: boolean;
  /** …and this user has an authenticator turned on. */
  totpEnabled: boolean;
  /** How it signed in (`oidc`: the provider answers for the second factor). */
  method: string;
}

/** Where and how a session signed in, shown in the sessions list. */
export interface SessionOrigin {
  userAgent?: string;
  ip?: string;
  method?: 'password' | 'password+totp' | 'password+recovery' | 'oidc';
}

/** A session as its user (or an owner) sees it in the list. */
export interface SessionRow {
  ref: string;
  userId: string;
  userName: string;
  userEmail: string;
  userAgent: string | null;
  ip: string | null;
  method: string | null;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

/** Don't write a session's last use more often than this (ms): a read must not cost a write. */
const TOUCH_EVERY_MS = 60_000;

/** A session's public id, from its cookie's token (what `find` answers as `ref`). */
export function sessionRef(token: string): string {
  return sha256(token).slice(0, 16);
}

/** Console sign-in sessions; the cookie holds a random token, the store only its hash. */
export class AuthSessionsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(
    userId: string,
    accountId: string,
    ttlMs: number,
    origin: SessionOrigin = {},
  ): Promise<{ token: string; csrfToken: string }> {
    const token = randomToken(40);
    const csrfToken = randomToken(32);
    const now = Date.now();
    const id = sha256(token);
    await this.db
      .insertInto('auth_sessions')
      .values({
        id,
        ref: id.slice(0, 16),
        user_id: userId,
        account_id: accountId,
        csrf_token: csrfToken,
        created_at: now,
        expires_at: now + ttlMs,
        last_seen_at: now,
        user_agent: origin.userAgent?.slice(0, 300) ?? null,
        ip: origin.ip ?? null,
        method: origin.method ?? 'password',
      })
      .execute();
    return { token, csrfToken };
  }

  async find(token: string): Promise<AuthSession | undefined> {
    const id = sha256(token);
    const row = await this.db
      .selectFrom('auth_sessions as s')
      .innerJoin('accounts as a', 'a.id', 's.account_id')
      .leftJoin('user_totp as t', 't.user_id', 's.user_id')
      .select([
        's.user_id',
        's.account_id',
        's.csrf_token',
        's.expires_at',
        's.ref',
        's.created_at',
        's.last_seen_at',
        's.method',
        'a.require_totp',
        't.enabled_at',
      ])
      .where('s.id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const now = Date.now();
    if (Number(row.expires_at) < now) {
      await this.delete(token);
      return undefined;
    }
    const lastSeenAt = Number(row.last_seen_at ?? row.created_at);
    if (now - lastSeenAt > TOUCH_EVERY_MS)
      await this.db.updateTable('auth_sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
    return {
      userId: row.user_id,
      accountId: row.account_id,
      csrfToken: row.csrf_token,
      expiresAt: Number(row.expires_at),
      ref: row.ref ?? id.slice(0, 16),
      lastSeenAt: now - lastSeenAt > TOUCH_EVERY_MS ? now : lastSeenAt,
      totpRequired: Number(row.require_totp) === 1,
      totpEnabled: row.enabled_at != null,
      method: row.method ?? 'password',
    };
  }

  async delete(token: string): Promise<void> {
    await this.db.deleteFrom('auth_sessions').where('id', '=', sha256(token)).execute();
  }

  /**
   * Signs a user out everywhere (password reset, removal), or everywhere but the session of
   * `keepToken`. Answers the refs of the sessions ended.
   */
  async deleteForUser(userId: string, keepToken?: string): Promise<string[]> {
    let q = this.db.deleteFrom('auth_sessions').where('user_id', '=', userId);
    if (keepToken) q = q.where('id', '!=', sha256(keepToken));
    return refsOf(await q.returning(['id', 'ref']).execute());
  }

  /**
   * Ends the account's sessions that signed in without a second factor of anyone who has none
   * turned on (the account now requires one); single sign-on's stay, as the provider answers for
   * it. Answers the refs of the sessions ended.
   */
  async deleteWithoutTwoFactor(accountId: string): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('auth_sessions')
      .where('account_id', '=', accountId)
      .where((eb) => eb.or([eb('method', 'is', null), eb('method', '!=', 'oidc')]))
      .where('user_id', 'not in', (eb) =>
        eb.selectFrom('user_totp').select('user_id').where('enabled_at', 'is not', null),
      )
      .returning(['id', 'ref'])
      .execute();
    return refsOf(rows);
  }

  /** The account's live sessions, newest use first; only `userId`'s when given. */
  async list(accountId: string, userId?: string): Promise<SessionRow[]> {
    let q = this.db
      .selectFrom('auth_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select([
        's.ref',
        's.user_id',
        'u.name',
        'u.email',
        's.user_agent',
        's.ip',
        's.method',
        's.created_at',
        's.last_seen_at',
        's.expires_at',
      ])
      .where('s.account_id', '=', accountId)
      .where('s.expires_at', '>', Date.now())
      .orderBy('s.last_seen_at', 'desc')
      .orderBy('s.created_at', 'desc');
    if (userId) q = q.where('s.user_id', '=', userId);
    const rows = await q.execute();
    return rows.map((r) => ({
      ref: r.ref ?? '',
      userId: r.user_id,
      userName: r.name,
      userEmail: r.email,
      userAgent: r.user_agent,
      ip: r.ip,
      method: r.method,
      createdAt: Number(r.created_at),
      lastSeenAt: Number(r.last_seen_at ?? r.created_at),
      expiresAt: Number(r.expires_at),
    }));
  }

  /** Ends one session of the account (only `userId`'s when given): false when there is none. */
  async revoke(accountId: string, ref: string, userId?: string): Promise<boolean> {
    let q = this.db.deleteFrom('auth_sessions').where('account_id', '=', accountId).where('ref', '=', ref);
    if (userId) q = q.where('user_id', '=', userId);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

const refsOf = (rows: Array<{ id: string; ref: string | null }>): string[] =>
  rows.map((r) => r.ref ?? r.id.slice(0, 16));
