import type { Role, User, UserUpdate } from '@beckon/protocol/api';
import type { Kysely, Selectable } from 'kysely';
import { conflict, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { isUniqueViolation } from './connect.ts';
import { iso } from './rows.ts';
import type { Database, UsersTable } from './schema.ts';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  capacity?: number;
  skillIds?: string[];
  status?: User['status'];
}

/** Fields a user record may change; the password arrives already hashed. */
export type UserPatch = Omit<UserUpdate, 'password'> & { passwordHash?: string; awayReason?: string };

const toUser = (r: Selectable<UsersTable>, skillIds: string[]): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  skillIds,
  capacity: r.capacity,
  status: r.status,
  ...(r.status === 'away' && r.away_reason ? { awayReason: r.away_reason } : {}),
  createdAt: iso(r.created_at)!,
});

/** People who sign in to the console: owners, admins, agents and analysts. */
export class UsersRepo {
  constructor(private readonly db: Kysely<Database>) {}

  private async skillsOf(accountId: string, userIds: string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    if (userIds.length === 0) return map;
    const rows = await this.db
      .selectFrom('user_skills')
      .select(['user_id', 'skill_id'])
      .where('account_id', '=', accountId)
      .where('user_id', 'in', userIds)
      .orderBy('skill_id')
      .execute();
    for (const r of rows) {
      const list = map.get(r.user_id) ?? [];
      list.push(r.skill_id);
      map.set(r.user_id, list);
    }
    return map;
  }

  async list(accountId: string): Promise<User[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('name')
      .execute();
    const skills = await this.skillsOf(
      accountId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toUser(r, skills.get(r.id) ?? []));
  }

  /** Names of these users of the account, by id (ids of other accounts or deleted users are left out). */
  async names(accountId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'name'])
      .where('account_id', '=', accountId)
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async get(accountId: string, id: string): Promise<User> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('user');
    const skills = await this.skillsOf(accountId, [id]);
    return toUser(row, skills.get(id) ?? []);
  }

  /** For sign-in only: the user and their password hash, by e-mail across accounts. */
  async findForLogin(
    email: string,
  ): Promise<{ user: User; accountId: string; passwordHash: string } | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email.trim().toLowerCase())
      .executeTakeFirst();
    if (!row) return undefined;
    const skills = await this.skillsOf(row.account_id, [row.id]);
    return {
      user: toUser(row, skills.get(row.id) ?? []),
      accountId: row.account_id,
      passwordHash: row.password_hash,
    };
  }

  async create(accountId: string, input: NewUser): Promise<User> {
    const id = newId('user');
    const now = Date.now();
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('users')
          .values({
            id,
            account_id: accountId,
            email: input.email.trim().toLowerCase(),
            name: input.name,
            role: input.role,
            password_hash: input.passwordHash,
            capacity: input.capacity ?? 3,
            status: input.status ?? 'offline',
            created_at: now,
            updated_at: now,
          })
          .execute();
        const skillIds = [...new Set(input.skillIds ?? [])];
        if (skillIds.length > 0) {
          await trx
            .insertInto('user_skills')
            .values(skillIds.map((skill_id) => ({ user_id: id, skill_id, account_id: accountId })))
            .execute();
        }
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`a user with e-mail ${input.email} already exists`);
      throw err;
    }
    return this.get(accountId, id);
  }

  async update(accountId: string, id: string, patch: UserPatch): Promise<User> {
    await this.get(accountId, id);
    const values: Partial<UsersTable> = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.role !== undefined) values.role = patch.role;
    if (patch.capacity !== undefined) values.capacity = patch.capacity;
    if (patch.status !== undefined) {
      values.status = patch.status;
      values.away_reason = patch.status === 'away' ? (patch.awayReason ?? null) : null;
    }
    if (patch.passwordHash !== undefined) values.password_hash = patch.passwordHash;
    await this.db.transaction().execute(async (trx) => {
      if (Object.keys(values).length > 0) {
        values.updated_at = Date.now();
        await trx
          .updateTable('users')
          .set(values)
          .where('account_id', '=', accountId)
          .where('id', '=', id)
          .execute();
      }
      if (patch.skillIds !== undefined) {
        await trx
          .deleteFrom('user_skills')
          .where('user_id', '=', id)
          .where('account_id', '=', accountId)
          .execute();
        const skillIds = [...new Set(patch.skillIds)];
        if (skillIds.length > 0) {
          await trx
            .insertInto('user_skills')
            .values(skillIds.map((skill_id) => ({ user_id: id, skill_id, account_id: accountId })))
            .execute();
        }
      }
    });
    return this.get(accountId, id);
  }

  /** The console's language the user chose; null when they never chose (their browser's then). */
  async consoleLanguage(accountId: string, id: string): Promise<string | null> {
    return (await this.languages(accountId, id)).console;
  }

  /**
   * The user's languages: the console's they chose, and the one they read customers in (live
   * translation; null follows the console's).
   */
  async languages(
    accountId: string,
    id: string,
  ): Promise<{ console: string | null; reading: string | null }> {
    const row = await this.db
      .selectFrom('users')
      .select(['console_language', 'reading_language'])
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('user');
    return { console: row.console_language, reading: row.reading_language };
  }

  async setReadingLanguage(accountId: string, id: string, language: string | null): Promise<void> {
    const res = await this.db
      .updateTable('users')
      .set({ reading_language: language, updated_at: Date.now() })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw notFound('user');
  }

  async setConsoleLanguage(accountId: string, id: string, language: string | null): Promise<void> {
    const res = await this.db
      .updateTable('users')
      .set({ console_language: language, updated_at: Date.now() })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw notFound('user');
  }

  /** Number of users holding `role` in the account (to keep at least one owner). */
  async countByRole(accountId: string, role: Role): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('role', '=', role)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Removes a user and their own macros (nobody else may see or run those). */
  async delete(accountId: string, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const res = await trx
        .deleteFrom('users')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw notFound('user');
      await trx.deleteFrom('macros').where('account_id', '=', accountId).where('owner_id', '=', id).execute();
    });
  }
}
