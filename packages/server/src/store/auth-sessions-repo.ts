import type { Kysely } from 'kysely';
import { randomToken, sha256 } from '../ids.ts';
import type { Database } from './schema.ts';

export interface AuthSession {
  userId: string;
  accountId: string;
  csrfToken: string;
  expiresAt: number;
}

/** Console sign-in sessions; the cookie holds a random token, the store only its hash. */
export class AuthSessionsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(
    userId: string,
    accountId: string,
    ttlMs: number,
  ): Promise<{ token: string; csrfToken: string }> {
    const token = randomToken(40);
    const csrfToken = randomToken(32);
    const now = Date.now();
    await this.db
      .insertInto('auth_sessions')
      .values({
        id: sha256(token),
        user_id: userId,
        account_id: accountId,
        csrf_token: csrfToken,
        created_at: now,
        expires_at: now + ttlMs,
      })
      .execute();
    return { token, csrfToken };
  }

  async find(token: string): Promise<AuthSession | undefined> {
    const row = await this.db
      .selectFrom('auth_sessions')
      .selectAll()
      .where('id', '=', sha256(token))
      .executeTakeFirst();
    if (!row) return undefined;
    if (Number(row.expires_at) < Date.now()) {
      await this.delete(token);
      return undefined;
    }
    return {
      userId: row.user_id,
      accountId: row.account_id,
      csrfToken: row.csrf_token,
      expiresAt: Number(row.expires_at),
    };
  }

  async delete(token: string): Promise<void> {
    await this.db.deleteFrom('auth_sessions').where('id', '=', sha256(token)).execute();
  }

  /** Signs a user out everywhere (password reset, removal), or everywhere but the session of `keepToken`. */
  async deleteForUser(userId: string, keepToken?: string): Promise<void> {
    let q = this.db.deleteFrom('auth_sessions').where('user_id', '=', userId);
    if (keepToken) q = q.where('id', '!=', sha256(keepToken));
    await q.execute();
  }
}
